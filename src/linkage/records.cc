#include "linkage/records.h"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "base/csv.h"

namespace harmlens::linkage {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

using HmacKey = std::vector<uint8_t>;

void Hmac(const HmacKey& key, std::string_view message, uint8_t out[32]) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, out);
}

HmacKey DeriveKey(std::string_view secret, const std::string& label) {
  HmacKey secret_key(secret.begin(), secret.end());
  uint8_t out[32];
  Hmac(secret_key, label, out);
  sodium_memzero(secret_key.data(), secret_key.size());
  return HmacKey(out, out + 32);
}

std::string BlockingPartValue(const BlockingPart& part, const std::string& value) {
  switch (part.take) {
    case BlockingPart::Take::kExact:
      return value;
    case BlockingPart::Take::kSoundex:
      return Soundex(value);
    case BlockingPart::Take::kFirst:
      return value.size() >= static_cast<size_t>(part.length) ? value.substr(0, part.length) : value;
    case BlockingPart::Take::kYear:
      return value.size() >= 4 ? value.substr(0, 4) : "";
    case BlockingPart::Take::kOutward:
      return value.size() > 3 ? value.substr(0, value.size() - 3) : "";
  }
  return "";
}

std::string Hex(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[i] = kDigits[value & 0xF];
    value >>= 4;
  }
  return out;
}

bool ParseHex(std::string_view text, uint64_t* value) {
  if (text.size() != 16) return false;
  uint64_t v = 0;
  for (char c : text) {
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
  }
  *value = v;
  return true;
}

std::string Base64(const std::vector<uint64_t>& words) {
  std::vector<unsigned char> bytes(words.size() * 8);
  for (size_t w = 0; w < words.size(); ++w) {
    for (int b = 0; b < 8; ++b) bytes[w * 8 + b] = static_cast<unsigned char>(words[w] >> (8 * b));
  }
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool FromBase64(std::string_view text, size_t words, uint64_t* out) {
  std::vector<unsigned char> bytes(words * 8);
  size_t length = 0;
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      length != bytes.size()) {
    return false;
  }
  for (size_t w = 0; w < words; ++w) {
    uint64_t v = 0;
    for (int b = 7; b >= 0; --b) v = (v << 8) | bytes[w * 8 + b];
    out[w] = v;
  }
  return true;
}

void PrepareColumns(const LinkageSchema& schema, LinkMode mode, RecordSet* set) {
  if (!set->words.empty() || !set->values.empty()) return;
  set->mode = mode;
  if (mode == LinkMode::kEncoded) {
    for (const FieldSpec& f : schema.fields) set->words.push_back(f.bits / 64);
    set->filters.resize(schema.fields.size());
    set->popcounts.resize(schema.fields.size());
  } else {
    set->values.resize(schema.fields.size());
  }
}

}  // namespace

const char* LinkModeName(LinkMode mode) { return mode == LinkMode::kEncoded ? "encoded" : "plaintext"; }

bool RecordSet::Missing(size_t field, size_t record) const {
  if (mode == LinkMode::kEncoded) return popcounts[field][record] == 0;
  return values[field][record].empty();
}

Result<std::vector<IdentifiedRecord>> ReadIdentifiedRecords(const std::string& file, std::string_view bytes,
                                                            const LinkageSchema& schema, ReadStats* stats) {
  CsvReader reader(bytes);
  CsvRecord csv;
  if (!reader.Next(&csv) || !csv.error.empty()) {
    return Status::RejectedInput("no header line", {file, 1, ""});
  }
  std::unordered_map<std::string, size_t> columns;
  for (size_t i = 0; i < csv.fields.size(); ++i) columns.emplace(std::string(Trim(csv.fields[i])), i);
  auto column_of = [&](const std::string& name, size_t* index) -> Status {
    auto it = columns.find(name);
    if (it == columns.end()) {
      return Status::RejectedInput(
          "the header has no column \"" + name + "\" (the linkage schema " + schema.name + " needs it)",
          {file, 1, name});
    }
    *index = it->second;
    return Status::Ok();
  };
  // A police nominals file (docs/formats/police-nominals.md) has no record id, source or
  // event: its record key is the force's person_key, its source "police", and the carried
  // columns are empty except the source's own, so the hub can join it back to the extract.
  const bool police_nominals = columns.count(schema.record_key) == 0 &&
                               columns.count(std::string(kPoliceNominalKey)) == 1 &&
                               (schema.source_column.empty() || columns.count(schema.source_column) == 0);
  constexpr size_t kAbsent = static_cast<size_t>(-1);
  size_t key_column = 0;
  HL_RETURN_IF_ERROR(
      column_of(police_nominals ? std::string(kPoliceNominalKey) : schema.record_key, &key_column));
  size_t source_column = 0;
  if (!schema.source_column.empty() && !police_nominals) {
    HL_RETURN_IF_ERROR(column_of(schema.source_column, &source_column));
  }
  std::vector<size_t> carry_columns(schema.carry.size());
  for (size_t i = 0; i < schema.carry.size(); ++i) {
    const bool optional = std::find(schema.optional_carry.begin(), schema.optional_carry.end(),
                                    schema.carry[i]) != schema.optional_carry.end();
    if (police_nominals || (optional && columns.count(schema.carry[i]) == 0)) {
      carry_columns[i] = kAbsent;
    } else {
      HL_RETURN_IF_ERROR(column_of(schema.carry[i], &carry_columns[i]));
    }
  }
  std::vector<size_t> field_columns(schema.fields.size());
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    HL_RETURN_IF_ERROR(column_of(schema.fields[i].column, &field_columns[i]));
  }
  const size_t width = csv.fields.size();
  stats->missing.assign(schema.fields.size(), 0);
  std::vector<IdentifiedRecord> records;
  while (reader.Next(&csv)) {
    if (csv.blank) continue;
    ++stats->rows;
    if (!csv.error.empty() || csv.fields.size() != width || Trim(csv.fields[key_column]).empty()) {
      ++stats->refused;
      continue;
    }
    IdentifiedRecord record;
    record.key = std::string(Trim(csv.fields[key_column]));
    if (police_nominals) {
      record.source = std::string(kPoliceNominalSource);
    } else {
      record.source = schema.source_column.empty() ? "records" : std::string(Trim(csv.fields[source_column]));
    }
    for (size_t i = 0; i < carry_columns.size(); ++i) {
      if (carry_columns[i] != kAbsent) {
        record.carry.emplace_back(Trim(csv.fields[carry_columns[i]]));
      } else {
        record.carry.emplace_back(schema.carry[i] == schema.source_column ? kPoliceNominalSource : "");
      }
    }
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      record.values.push_back(Normalise(schema.fields[i].normaliser, Trim(csv.fields[field_columns[i]])));
      if (record.values.back().empty()) ++stats->missing[i];
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<uint64_t> BlockingTokens(const LinkageSchema& schema, const std::vector<std::string>& values,
                                     const std::vector<uint8_t>& key) {
  std::vector<uint64_t> tokens;
  for (size_t r = 0; r < schema.blocking.size(); ++r) {
    std::string message = std::to_string(r);
    bool complete = true;
    for (const BlockingPart& part : schema.blocking[r]) {
      const std::string value = BlockingPartValue(part, values[part.field]);
      if (value.empty()) {
        complete = false;
        break;
      }
      message += '\x1f';
      message += value;
    }
    if (!complete) {
      tokens.push_back(0);
      continue;
    }
    uint8_t mac[32];
    Hmac(key, message, mac);
    uint64_t token = 0;
    std::memcpy(&token, mac, sizeof token);
    tokens.push_back(token == 0 ? 1 : token);  // 0 means "rule incomplete"
  }
  return tokens;
}

Result<KeyedEncoder> KeyedEncoder::Create(const LinkageSchema& schema, std::string_view secret) {
  if (secret.size() < 16) {
    return Status::InvalidArgument(
        "the linkage secret is shorter than 16 bytes (use 32 random bytes shared by the partners)");
  }
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  KeyedEncoder encoder;
  encoder.schema_ = &schema;
  for (const FieldSpec& f : schema.fields) {
    encoder.field_keys_.push_back(
        DeriveKey(secret, std::string(kSchemaFormat) + " field " + schema.name + " " + f.name));
  }
  encoder.blocking_key_ = DeriveKey(secret, std::string(kSchemaFormat) + " blocking " + schema.name);
  return encoder;
}

std::vector<uint32_t> KeyedEncoder::Positions(size_t field, std::string_view gram) const {
  const FieldSpec& spec = schema_->fields[field];
  std::vector<uint32_t> positions;
  uint8_t mac[32];
  std::string message;
  for (int i = 0; i < spec.k; ++i) {
    if (i % 8 == 0) {
      // Eight independent 32-bit positions per HMAC; the counter byte makes more.
      message.assign(1, static_cast<char>(i / 8));
      message.append(gram);
      Hmac(field_keys_[field], message, mac);
    }
    uint32_t chunk = 0;
    for (int b = 3; b >= 0; --b) chunk = (chunk << 8) | mac[4 * (i % 8) + b];
    positions.push_back(chunk % static_cast<uint32_t>(spec.bits));
  }
  return positions;
}

std::vector<uint64_t> KeyedEncoder::Filter(size_t field, std::string_view value) const {
  const FieldSpec& spec = schema_->fields[field];
  std::vector<uint64_t> words(spec.bits / 64, 0);
  for (const std::string& gram : QGrams(value, spec.q)) {
    for (uint32_t p : Positions(field, gram)) words[p / 64] |= uint64_t{1} << (p % 64);
  }
  return words;
}

std::vector<uint64_t> KeyedEncoder::Tokens(const std::vector<std::string>& values) const {
  return BlockingTokens(*schema_, values, blocking_key_);
}

RecordSet PlaintextRecordSet(const LinkageSchema& schema, const std::vector<IdentifiedRecord>& records) {
  RecordSet set;
  PrepareColumns(schema, LinkMode::kPlaintext, &set);
  const std::vector<uint8_t> public_key(32, 0);
  for (const IdentifiedRecord& r : records) {
    set.keys.push_back(r.source + "/" + r.key);
    set.sources.push_back(r.source);
    set.carry.push_back(r.carry);
    set.tokens.push_back(BlockingTokens(schema, r.values, public_key));
    for (size_t f = 0; f < schema.fields.size(); ++f) set.values[f].push_back(r.values[f]);
  }
  return set;
}

namespace {
void AppendFilter(RecordSet* set, size_t field, const uint64_t* words) {
  int count = 0;
  for (int w = 0; w < set->words[field]; ++w) {
    set->filters[field].push_back(words[w]);
    count += std::popcount(words[w]);
  }
  set->popcounts[field].push_back(static_cast<uint16_t>(count));
}
}  // namespace

RecordSet EncodedRecordSet(const LinkageSchema& schema, const KeyedEncoder& encoder,
                           const std::vector<IdentifiedRecord>& records) {
  RecordSet set;
  PrepareColumns(schema, LinkMode::kEncoded, &set);
  for (const IdentifiedRecord& r : records) {
    set.keys.push_back(r.source + "/" + r.key);
    set.sources.push_back(r.source);
    set.carry.push_back(r.carry);
    set.tokens.push_back(encoder.Tokens(r.values));
    for (size_t f = 0; f < schema.fields.size(); ++f) {
      const std::vector<uint64_t> words = encoder.Filter(f, r.values[f]);
      AppendFilter(&set, f, words.data());
    }
  }
  return set;
}

namespace {
std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string WriteEncodings(const LinkageSchema& schema, const KeyedEncoder& encoder,
                           const std::vector<IdentifiedRecord>& records) {
  std::string out = "format,schema,record_key,source";
  for (const std::string& c : schema.carry) out += "," + CsvField(c);
  for (const FieldSpec& f : schema.fields) out += ",bf:" + f.name;
  out += ",blocking\n";
  for (const IdentifiedRecord& r : records) {
    out += std::string(kEncodingsFormat) + "," + CsvField(schema.name) + "," + CsvField(r.key) + "," +
           CsvField(r.source);
    for (const std::string& c : r.carry) out += "," + CsvField(c);
    for (size_t f = 0; f < schema.fields.size(); ++f) {
      out += ",";
      if (!r.values[f].empty()) out += Base64(encoder.Filter(f, r.values[f]));
    }
    out += ",";
    bool first = true;
    for (uint64_t t : encoder.Tokens(r.values)) {
      if (!first) out += ' ';
      out += Hex(t);
      first = false;
    }
    out += "\n";
  }
  return out;
}

Status ReadEncodings(const std::string& file, std::string_view bytes, const LinkageSchema& schema,
                     RecordSet* set) {
  if (!set->values.empty()) return Status::InvalidArgument("encodings cannot join a plaintext record set");
  PrepareColumns(schema, LinkMode::kEncoded, set);
  CsvReader reader(bytes);
  CsvRecord csv;
  std::string expected = "format,schema,record_key,source";
  for (const std::string& c : schema.carry) expected += "," + CsvField(c);
  for (const FieldSpec& f : schema.fields) expected += ",bf:" + f.name;
  expected += ",blocking";
  if (!reader.Next(&csv) || csv.raw != expected) {
    return Status::RejectedInput("not an encodings file of linkage schema " + schema.name +
                                     " (expected the header \"" + expected + "\")",
                                 {file, 1, ""});
  }
  const size_t width = 5 + schema.carry.size() + schema.fields.size();
  std::vector<uint64_t> words;
  while (reader.Next(&csv)) {
    if (csv.blank) continue;
    const InputPosition where{file, csv.line, ""};
    if (!csv.error.empty() || csv.fields.size() != width) {
      return Status::RejectedInput("malformed record (expected " + std::to_string(width) + " fields)", where);
    }
    if (csv.fields[0] != kEncodingsFormat || csv.fields[1] != schema.name) {
      return Status::RejectedInput(
          "encoded with another format or schema than " + std::string(kEncodingsFormat) + " / " + schema.name,
          {file, csv.line, "schema"});
    }
    set->keys.push_back(std::string(csv.fields[3]) + "/" + std::string(csv.fields[2]));
    set->sources.emplace_back(csv.fields[3]);
    std::vector<std::string> carry;
    for (size_t c = 0; c < schema.carry.size(); ++c) carry.emplace_back(csv.fields[4 + c]);
    set->carry.push_back(std::move(carry));
    for (size_t f = 0; f < schema.fields.size(); ++f) {
      const std::string_view text = csv.fields[4 + schema.carry.size() + f];
      words.assign(set->words[f], 0);
      if (!text.empty() && !FromBase64(text, words.size(), words.data())) {
        return Status::RejectedInput(
            "not a base64 filter of " + std::to_string(schema.fields[f].bits) + " bits",
            {file, csv.line, "bf:" + schema.fields[f].name});
      }
      AppendFilter(set, f, words.data());
    }
    std::vector<uint64_t> tokens;
    std::string_view list = csv.fields[width - 1];
    while (!list.empty()) {
      const size_t space = list.find(' ');
      uint64_t token = 0;
      if (!ParseHex(list.substr(0, space), &token)) {
        return Status::RejectedInput("blocking tokens must be 16 hex digits separated by spaces",
                                     {file, csv.line, "blocking"});
      }
      tokens.push_back(token);
      list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
    }
    if (tokens.size() != schema.blocking.size()) {
      return Status::RejectedInput(
          "expected " + std::to_string(schema.blocking.size()) + " blocking tokens, one per rule",
          {file, csv.line, "blocking"});
    }
    set->tokens.push_back(std::move(tokens));
  }
  return Status::Ok();
}

}  // namespace harmlens::linkage
