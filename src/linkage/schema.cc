#include "linkage/schema.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace harmlens::linkage {
namespace {

Status Bad(const std::string& file, const std::string& what) {
  return Status::InvalidArgument("linkage schema " + file + ": " + what);
}

Result<BlockingPart> ParsePart(const std::string& file, const LinkageSchema& schema,
                               const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) {
    return Bad(file, "blocking part \"" + text + "\" is not field:take (e.g. surname:soundex)");
  }
  BlockingPart part;
  part.field = schema.FieldIndex(text.substr(0, colon));
  if (part.field < 0) return Bad(file, "blocking part \"" + text + "\" names no field of the schema");
  const std::string take = text.substr(colon + 1);
  if (take == "exact") {
    part.take = BlockingPart::Take::kExact;
  } else if (take == "soundex") {
    part.take = BlockingPart::Take::kSoundex;
  } else if (take == "year") {
    part.take = BlockingPart::Take::kYear;
  } else if (take == "outward") {
    part.take = BlockingPart::Take::kOutward;
  } else if (take.rfind("first:", 0) == 0) {
    part.take = BlockingPart::Take::kFirst;
    try {
      part.length = std::stoi(take.substr(6));
    } catch (...) {
      part.length = 0;
    }
    if (part.length < 1 || part.length > 20)
      return Bad(file, "blocking part \"" + text + "\": first:N needs N in 1..20");
  } else {
    return Bad(file, "blocking part \"" + text + "\": expected exact, soundex, year, outward or first:N");
  }
  return part;
}

}  // namespace

int LinkageSchema::FieldIndex(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

Result<LinkageSchema> ParseLinkageSchema(const std::string& file, std::string_view json_text) {
  nlohmann::json json = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return Bad(file, "not a JSON object");
  LinkageSchema schema;
  schema.text = std::string(json_text);
  try {
    if (json.value("schema", "") != kSchemaFormat) {
      return Bad(file, "\"schema\" must be \"" + std::string(kSchemaFormat) + "\"");
    }
    schema.name = json.at("name").get<std::string>();
    schema.record_key = json.at("record_key").get<std::string>();
    schema.source_column = json.value("source_column", "");
    schema.carry = json.value("carry", std::vector<std::string>{});
    schema.optional_carry = json.value("optional_carry", std::vector<std::string>{});
    for (const std::string& c : schema.optional_carry) {
      if (std::find(schema.carry.begin(), schema.carry.end(), c) == schema.carry.end()) {
        return Bad(file, "optional_carry names \"" + c + "\", which is not in carry");
      }
    }
    for (const auto& f : json.at("fields")) {
      FieldSpec spec;
      spec.name = f.at("name").get<std::string>();
      spec.column = f.value("column", spec.name);
      if (!NormaliserFromName(f.at("normaliser").get<std::string>(), &spec.normaliser)) {
        return Bad(file, "field " + spec.name +
                             ": unknown normaliser (expected name, date, postcode, sex, text, digits)");
      }
      spec.q = f.value("q", 2);
      spec.bits = f.value("bits", 512);
      spec.k = f.value("k", 20);
      if (spec.q < 1 || spec.q > 4) return Bad(file, "field " + spec.name + ": q must be 1..4");
      if (spec.bits < 64 || spec.bits > 8192 || spec.bits % 64 != 0 || (spec.bits & (spec.bits - 1)) != 0) {
        return Bad(file, "field " + spec.name + ": bits must be a power of two from 64 to 8192");
      }
      if (spec.k < 1 || spec.k > 64) return Bad(file, "field " + spec.name + ": k must be 1..64");
      const std::string comparator = f.value("plaintext", "jaro_winkler");
      if (comparator == "jaro_winkler") {
        spec.plaintext = PlaintextComparator::kJaroWinkler;
      } else if (comparator == "date") {
        spec.plaintext = PlaintextComparator::kDate;
      } else if (comparator == "postcode") {
        spec.plaintext = PlaintextComparator::kPostcode;
      } else if (comparator == "exact") {
        spec.plaintext = PlaintextComparator::kExact;
      } else {
        return Bad(file, "field " + spec.name +
                             ": plaintext comparator must be jaro_winkler, date, postcode or exact");
      }
      spec.levels = f.at("levels").get<std::vector<double>>();
      if (spec.levels.empty() || spec.levels.size() > 6)
        return Bad(file, "field " + spec.name + ": 1..6 levels");
      for (size_t i = 1; i < spec.levels.size(); ++i) {
        if (!(spec.levels[i] < spec.levels[i - 1])) {
          return Bad(file, "field " + spec.name + ": levels must fall strictly (highest first)");
        }
      }
      if (schema.FieldIndex(spec.name) >= 0) return Bad(file, "field " + spec.name + " appears twice");
      schema.fields.push_back(std::move(spec));
    }
    if (schema.fields.empty()) return Bad(file, "no fields");
    for (const auto& rule : json.at("blocking")) {
      BlockingRule parsed;
      for (const auto& part : rule) {
        HL_ASSIGN_OR_RETURN(BlockingPart p, ParsePart(file, schema, part.get<std::string>()));
        parsed.push_back(p);
      }
      if (parsed.empty()) return Bad(file, "an empty blocking rule");
      schema.blocking.push_back(std::move(parsed));
    }
    if (schema.blocking.empty()) return Bad(file, "no blocking rules (every pair would be compared)");
    schema.prior_match_probability = json.value("prior_match_probability", 0.001);
    schema.match_threshold = json.value("match_threshold", 0.5);
    schema.cluster_threshold = json.value("cluster_threshold", 0.5);
    schema.em_iterations = json.value("em_iterations", 60);
  } catch (const nlohmann::json::exception& e) {
    return Bad(file, std::string("missing or mistyped key: ") + e.what());
  }
  if (!(schema.prior_match_probability > 0 && schema.prior_match_probability < 1)) {
    return Bad(file, "prior_match_probability must be in (0, 1)");
  }
  return schema;
}

}  // namespace harmlens::linkage
