#include "ingest/agency_records.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "ingest/partner_csv.h"
#include "model/assessment_factor.h"

namespace harmlens {
namespace {

enum Column {
  kRecordId = 0,
  kAgency,
  kEventType,
  kEventDate,
  kGivenName,
  kSurname,
  kDateOfBirth,
  kSex,
  kPostcode,
  kFactors,
};
const std::vector<std::string_view> kColumns = {"record_id",     "agency",     "event_type",
                                                "event_date",    "given_name", "surname",
                                                "date_of_birth", "sex",        "postcode"};
const std::vector<std::string_view> kColumnsWithFactors = {
    "record_id", "agency",        "event_type", "event_date", "given_name",
    "surname",   "date_of_birth", "sex",        "postcode",   "factors"};

constexpr std::string_view kFormat = "agency records";
constexpr size_t kMaxNameCharacters = 60;

const std::vector<std::string_view> kSexes = {"F", "M", "X", "U"};
constexpr Sex kSexValues[] = {Sex::kFemale, Sex::kMale, Sex::kOther, Sex::kUnknown};

std::string ExpectedHeader() {
  return "expected an agency records CSV (agency-records/1) whose first line is \"" +
         std::string(kAgencyRecordsHeader) + "\" (optionally followed by \",factors\")";
}

std::string Required(std::string_view column) {
  return std::string(column) + " is empty (a value is required)";
}

// The code point starting at text[*i] (valid UTF-8), advancing *i past it.
uint32_t NextCodePoint(std::string_view text, size_t* i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(*i);
  if (c < 0x80) return text[(*i)++];
  size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < len && *i + k < text.size(); ++k) cp = (cp << 6) | (byte(*i + k) & 0x3F);
  *i += len;
  return cp;
}

// A letter of any script, as far as can be told without Unicode tables: everything
// outside ASCII, Latin-1's symbols and the punctuation, symbol, private-use and emoji
// blocks. Combining accents (U+0300..U+036F) count, so decomposed "é" is a letter too.
bool IsLetterOrMark(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return false;  // Latin-1 controls, symbols, × ÷
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;           // punctuation, symbols, arrows, shapes
  if (cp >= 0x3000 && cp <= 0x303F) return false;           // CJK punctuation
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;           // private use
  if (cp >= 0xFE00 && cp <= 0xFE6F) return false;           // variation selectors, small forms
  if (cp >= 0xFF00 && cp <= 0xFF20) return false;           // fullwidth punctuation and digits
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return false;           // specials
  if (cp >= 0x1F000) return false;                          // emoji and pictographs
  return true;
}

}  // namespace

bool IsPersonName(std::string_view name) {
  if (name.empty() || !IsValidUtf8(name)) return false;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = NextCodePoint(name, &i);
    // Space, hyphen and apostrophe, including the typographic apostrophe (U+2019) and
    // hyphen (U+2010) that word processors put in names like O’Neill.
    bool allowed = cp == ' ' || cp == '-' || cp == '\'' || cp == 0x2019 || cp == 0x2010 || IsLetterOrMark(cp);
    if (!allowed) return false;
  }
  return true;
}

bool IsUkPostcode(std::string_view postcode) {
  auto letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t space = postcode.find(' ');
  if (space == std::string_view::npos || postcode.size() != space + 4) return false;
  std::string_view out = postcode.substr(0, space), in = postcode.substr(space + 1);
  if (!digit(in[0]) || !letter(in[1]) || !letter(in[2])) return false;
  // The outward code: A9, A99, AA9, AA99, A9A or AA9A.
  std::string shape;
  for (char c : out) shape += letter(c) ? 'A' : digit(c) ? '9' : '?';
  return shape == "A9" || shape == "A99" || shape == "AA9" || shape == "AA99" || shape == "A9A" ||
         shape == "AA9A";
}

Status CheckAgencyRecordsHeader(const std::string& file, std::string_view bytes) {
  HL_RETURN_IF_ERROR(CheckTextFile(file, bytes, ExpectedHeader()));
  std::string_view first = FirstLine(bytes);
  if (first == kAgencyRecordsHeader || first == kAgencyRecordsHeaderWithFactors) return Status::Ok();
  // Say where the first line differs without showing it: a file without its header
  // starts with a person's record.
  std::vector<std::string_view> fields;
  for (size_t from = 0;;) {
    size_t comma = first.find(',', from);
    fields.push_back(
        first.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from));
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  std::string where;
  const size_t named = std::min(kColumnsWithFactors.size(), std::max(kColumns.size(), fields.size()));
  for (size_t i = 0; i < named; ++i) {
    if (i >= fields.size() || fields[i] != kColumnsWithFactors[i]) {
      where =
          "its field " + std::to_string(i + 1) + " is not \"" + std::string(kColumnsWithFactors[i]) + "\"";
      break;
    }
  }
  if (where.empty()) where = "it has " + std::to_string(fields.size()) + " fields, not 9 or 10";
  return Status::RejectedInput("the first line is not the header: " + where +
                                   " (the line is not shown: it may hold personal data); " + ExpectedHeader(),
                               {file, 1, ""});
}

bool AgencyRecordsHaveFactors(std::string_view bytes) {
  return FirstLine(bytes) == kAgencyRecordsHeaderWithFactors;
}

AgencyRecordParser::AgencyRecordParser(std::string file, bool with_factors)
    : file_(std::move(file)), with_factors_(with_factors) {}

bool AgencyRecordParser::Parse(const CsvRecord& csv, AgencyRecord* record, QuarantinedRow* rejected) {
  const SourceRef source{Agency::kPartnerAgency, file_, 0};
  const auto& columns = with_factors_ ? kColumnsWithFactors : kColumns;
  if (!CheckRecordShape(source, csv, columns, "an agency record", kFormat, rejected)) return false;
  const auto& f = csv.fields;
  auto refuse = [&](int column, std::string reason) {
    FillQuarantined(source, csv, columns, column, f[column], std::move(reason), rejected);
    return false;
  };
  // Identity first: a record id appears once per agency, so a repeat is refused even
  // when its other fields are good.
  if (f[kRecordId].empty()) return refuse(kRecordId, Required("record_id"));
  if (!IsIdentifier(f[kRecordId], 40, "-_/")) {
    return refuse(kRecordId, "cannot read " + QuotedForMessage(f[kRecordId]) +
                                 " as a record_id (expected 1 to 40 letters, digits, \"-\", \"_\" or \"/\")");
  }
  if (f[kAgency].empty()) return refuse(kAgency, Required("agency"));
  std::optional<PartnerAgency> agency = PartnerAgencyFromName(f[kAgency]);
  if (!agency) {
    std::vector<std::string_view> names;
    for (PartnerAgency a : AllPartnerAgencies()) names.push_back(PartnerAgencyName(a));
    return refuse(kAgency, "unknown agency " + QuotedForMessage(f[kAgency]) + " (expected " +
                               ListForMessage(names) + ")");
  }
  std::string identity = std::string(f[kAgency]) + "/" + std::string(f[kRecordId]);
  auto [first, added] = records_.try_emplace(identity, csv.line);
  if (!added) {
    return refuse(kRecordId, "record_id " + QuotedForMessage(f[kRecordId]) + " is repeated for agency " +
                                 std::string(f[kAgency]) + ": line " + std::to_string(first->second) +
                                 " already has it (a record id appears once per agency)");
  }
  if (!ParseFields(csv, record, rejected)) return false;
  record->agency = *agency;
  record->record_id.assign(f[kRecordId]);
  return true;
}

bool AgencyRecordParser::ParseFields(const CsvRecord& csv, AgencyRecord* record, QuarantinedRow* rejected) {
  const SourceRef source{Agency::kPartnerAgency, file_, 0};
  const auto& columns = with_factors_ ? kColumnsWithFactors : kColumns;
  const auto& f = csv.fields;
  auto refuse = [&](int column, std::string reason) {
    FillQuarantined(source, csv, columns, column, f[column], std::move(reason), rejected);
    return false;
  };
  const PartnerAgency agency = *PartnerAgencyFromName(f[kAgency]);  // checked by Parse
  if (f[kEventType].empty()) return refuse(kEventType, Required("event_type"));
  if (!IsEventTypeOf(agency, f[kEventType])) {
    return refuse(kEventType, "event_type " + QuotedForMessage(f[kEventType]) + " is not one of " +
                                  std::string(PartnerAgencyName(agency)) + "'s (expected " +
                                  ListForMessage(EventTypesOf(agency)) + ")");
  }
  if (f[kEventDate].empty()) return refuse(kEventDate, Required("event_date"));
  std::optional<CivilDate> event_date = ParseCivilDate(f[kEventDate]);
  if (!event_date) {
    return refuse(kEventDate, "cannot read " + QuotedForMessage(f[kEventDate]) +
                                  " as a date (expected YYYY-MM-DD, a real date, year 1900 to 2199)");
  }
  // The person's identifiers: messages name the field, never its value.
  for (int column : {kGivenName, kSurname}) {
    std::string_view name = f[column];
    const std::string label(kColumns[column]);
    if (name.empty()) return refuse(column, Required(label));
    if (CountCharacters(name) > kMaxNameCharacters) {
      return refuse(column,
                    label + " has " + std::to_string(CountCharacters(name)) + " characters (at most 60)");
    }
    if (!IsPersonName(name)) {
      return refuse(column, label + " has a character that is not a letter, space, hyphen or apostrophe");
    }
  }
  std::optional<CivilDate> date_of_birth;
  if (!f[kDateOfBirth].empty()) {
    date_of_birth = ParseCivilDate(f[kDateOfBirth]);
    if (!date_of_birth) {
      return refuse(kDateOfBirth,
                    "date_of_birth is not a real date of the form YYYY-MM-DD (year 1900 to 2199)");
    }
    if (*date_of_birth > *event_date) return refuse(kDateOfBirth, "date_of_birth is after the event_date");
  }
  if (f[kSex].empty()) return refuse(kSex, Required("sex"));
  auto sex = std::find(kSexes.begin(), kSexes.end(), f[kSex]);
  if (sex == kSexes.end()) {
    return refuse(kSex,
                  "unknown sex " + QuotedForMessage(f[kSex]) + " (expected " + ListForMessage(kSexes) + ")");
  }
  if (!f[kPostcode].empty() && !IsUkPostcode(f[kPostcode])) {
    return refuse(kPostcode,
                  "postcode is not of a UK postcode's shape (expected upper case A9 9AA, A99 9AA, "
                  "AA9 9AA, AA99 9AA, A9A 9AA or AA9A 9AA, with one space)");
  }
  // Assessment factors: on a children's social care assessment, and only there.
  const bool assessment = agency == PartnerAgency::kChildrensSocialCare && f[kEventType] == "assessment";
  if (assessment && !with_factors_) {
    return refuse(
        kEventType,
        "an assessment needs its factors, and this file has no factors column (add \"factors\" as the "
        "tenth column of the header)");
  }
  if (with_factors_) {
    if (assessment) {
      ParsedFactors factors = ParseAssessmentFactors(f[kFactors]);
      if (!factors.error.empty()) return refuse(kFactors, factors.error);
    } else if (!f[kFactors].empty()) {
      return refuse(kFactors, "factors is only for a childrens_social_care assessment (leave it empty here)");
    }
  }

  AgencyRecord& r = *record;
  r.source = {Agency::kPartnerAgency, file_, csv.line};
  r.event_type.assign(f[kEventType]);
  r.event_date = *event_date;
  r.given_name.assign(f[kGivenName]);
  r.surname.assign(f[kSurname]);
  r.date_of_birth = date_of_birth;
  r.sex = kSexValues[sex - kSexes.begin()];
  r.postcode.assign(f[kPostcode]);
  return true;
}

}  // namespace harmlens
