// Encoding test vectors (docs/linkage.md, "Encoding"): the expected positions, popcounts
// and tokens come from tests/expected/linkage_vectors.py, an independent Python
// implementation of the documented construction (hmac + hashlib).
#include "linkage/records.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <string>

#include "support/testing.h"

namespace harmlens::linkage {
namespace {

constexpr std::string_view kTestSecret = "harmlens linkage test vector secret - never use";

LinkageSchema AgencySchema(const std::string& file = "schema-1.json") {
  auto bytes = std::string();
  FILE* f = std::fopen((testing::DataDir() + "/linkage/" + file).c_str(), "rb");
  EXPECT_NE(f, nullptr);
  char buffer[4096];
  for (size_t n; f && (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) bytes.append(buffer, n);
  if (f) std::fclose(f);
  auto schema = ParseLinkageSchema(file, bytes);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return *schema;
}

int Popcount(const std::vector<uint64_t>& words) {
  int count = 0;
  for (uint64_t w : words) count += std::popcount(w);
  return count;
}

TEST(KeyedEncoder, sets_the_positions_of_the_published_vector) {
  const LinkageSchema schema = AgencySchema();
  auto encoder = KeyedEncoder::Create(schema, kTestSecret);
  ASSERT_TRUE(encoder.ok());
  const std::vector<uint32_t> expected = {24,  476, 149, 40,  106, 165, 177, 446, 482, 95,
                                          184, 395, 432, 414, 384, 467, 459, 152, 36,  477};
  EXPECT_EQ(encoder->Positions(schema.FieldIndex("given_name"), "_j"), expected);
}

TEST(KeyedEncoder, filters_of_jayden_and_jay_match_the_published_popcounts) {
  const LinkageSchema schema = AgencySchema();
  auto encoder = KeyedEncoder::Create(schema, kTestSecret);
  ASSERT_TRUE(encoder.ok());
  const size_t field = schema.FieldIndex("given_name");
  const auto jayden = encoder->Filter(field, "jayden");
  const auto jay = encoder->Filter(field, "jay");
  std::vector<uint64_t> common(jay.size());
  for (size_t w = 0; w < jay.size(); ++w) common[w] = jay[w] & jayden[w];
  EXPECT_EQ(Popcount(jayden), 124);
  EXPECT_EQ(Popcount(jay), 76);
  EXPECT_EQ(Popcount(common), 59);
  EXPECT_EQ(Popcount(encoder->Filter(field, "")), 0);
}

TEST(KeyedEncoder, blocking_token_matches_the_published_vector) {
  const LinkageSchema schema = AgencySchema();
  auto encoder = KeyedEncoder::Create(schema, kTestSecret);
  ASSERT_TRUE(encoder.ok());
  // Only rule 2 (date_of_birth:exact + sex:exact) is complete for these values.
  const auto tokens = encoder->Tokens({"", "", "20070321", "M", ""});
  EXPECT_EQ(tokens, (std::vector<uint64_t>{0, 0, 0x34a5f6b0b0afacd6ull, 0, 0}));
}

TEST(KeyedEncoder, another_secret_gives_other_positions) {
  const LinkageSchema schema = AgencySchema();
  auto a = KeyedEncoder::Create(schema, kTestSecret);
  auto b = KeyedEncoder::Create(schema, "another secret of enough length");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->Positions(0, "_j"), b->Positions(0, "_j"));
}

TEST(KeyedEncoder, refuses_a_short_secret) {
  const LinkageSchema schema = AgencySchema();
  auto encoder = KeyedEncoder::Create(schema, "short");
  ASSERT_FALSE(encoder.ok());
  EXPECT_NE(encoder.status().message().find("shorter than 16 bytes"), std::string::npos);
}

constexpr std::string_view kRecords =
    "record_id,agency,event_type,event_date,given_name,surname,date_of_birth,sex,postcode\n"
    "YOS-1,youth_offending,referral,2023-02-14,Zebedee,Quixotically,2007-03-21,M,LE2 0QA\n"
    "EXC-1,school_exclusions,suspension,2023-03-01,Zeb,Quixotically,2007-03-21,M,\n";

TEST(Encodings, carry_no_identifier_and_read_back_into_the_same_filters) {
  const LinkageSchema schema = AgencySchema();
  auto encoder = KeyedEncoder::Create(schema, kTestSecret);
  ASSERT_TRUE(encoder.ok());
  ReadStats stats;
  auto records = ReadIdentifiedRecords("in.csv", kRecords, schema, &stats);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ(stats.missing[schema.FieldIndex("postcode")], 1);
  const std::string text = WriteEncodings(schema, *encoder, *records);
  for (std::string_view canary : {"Zebedee", "zebedee", "Quixotically", "quixotically", "2007-03-21",
                                  "20070321", "LE2 0QA", "LE20QA"}) {
    EXPECT_EQ(text.find(canary), std::string::npos) << canary;
  }
  RecordSet set;
  ASSERT_TRUE(ReadEncodings("enc.csv", text, schema, &set).ok());
  const RecordSet direct = EncodedRecordSet(schema, *encoder, *records);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.keys, (std::vector<std::string>{"youth_offending/YOS-1", "school_exclusions/EXC-1"}));
  EXPECT_EQ(set.filters, direct.filters);
  EXPECT_EQ(set.tokens, direct.tokens);
  EXPECT_TRUE(set.Missing(schema.FieldIndex("postcode"), 1));
  EXPECT_EQ(set.carry[0], (std::vector<std::string>{"youth_offending", "referral", "2023-02-14"}));
}

TEST(Encodings, refuses_a_file_of_another_schema_naming_the_line) {
  const LinkageSchema schema = AgencySchema();
  auto encoder = KeyedEncoder::Create(schema, kTestSecret);
  ASSERT_TRUE(encoder.ok());
  ReadStats stats;
  auto records = ReadIdentifiedRecords("in.csv", kRecords, schema, &stats);
  ASSERT_TRUE(records.ok());
  std::string text = WriteEncodings(schema, *encoder, *records);
  const size_t at = text.find("agency-records-1", text.find('\n'));
  text.replace(at, 16, "agency-records-9");
  RecordSet set;
  const Status s = ReadEncodings("enc.csv", text, schema, &set);
  EXPECT_EQ(s.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(s.where().line, 2);
  EXPECT_EQ(s.where().column, "schema");
}

TEST(ReadIdentifiedRecords, names_a_missing_column_without_quoting_any_row) {
  const LinkageSchema schema = AgencySchema();
  ReadStats stats;
  auto records =
      ReadIdentifiedRecords("in.csv", "record_id,agency,given_name\nX,probation,Zebedee\n", schema, &stats);
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().where().column, "event_type");
  EXPECT_EQ(records.status().ToString().find("Zebedee"), std::string::npos);
}

TEST(ReadIdentifiedRecords, carries_assessment_factors_under_schema_2_and_empty_from_an_older_file) {
  const LinkageSchema schema = AgencySchema("schema-2.json");
  ASSERT_EQ(schema.carry, (std::vector<std::string>{"agency", "event_type", "event_date", "factors"}));
  ReadStats stats;
  const std::string head =
      "record_id,agency,event_type,event_date,given_name,surname,date_of_birth,sex,postcode";
  auto with = ReadIdentifiedRecords(
      "new.csv",
      head +
          ",factors\nC-1,childrens_social_care,assessment,2023-02-20,Kayleigh,Smith,2011-11-04,F,LE4 9HF,"
          "domestic_abuse_parent;mental_health_parent\n",
      schema, &stats);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  EXPECT_EQ((*with)[0].carry, (std::vector<std::string>{"childrens_social_care", "assessment", "2023-02-20",
                                                        "domestic_abuse_parent;mental_health_parent"}));
  // An old nine-column file: factors is optional_carry, carried empty, not refused.
  auto without = ReadIdentifiedRecords(
      "old.csv", head + "\nY-1,youth_offending,referral,2023-02-14,Jayden,Okafor,2007-03-21,M,LE2 0QA\n",
      schema, &stats);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_EQ((*without)[0].carry, (std::vector<std::string>{"youth_offending", "referral", "2023-02-14", ""}));
  // A required carried column is still required.
  auto no_event =
      ReadIdentifiedRecords("x.csv", "record_id,agency,given_name\nX,probation,Zebedee\n", schema, &stats);
  ASSERT_FALSE(no_event.ok());
  EXPECT_EQ(no_event.status().where().column, "event_type");
}

TEST(ParseLinkageSchema, refuses_optional_carry_outside_carry) {
  auto schema = ParseLinkageSchema("t.json", R"({"schema":"harmlens-linkage/1","name":"t","record_key":"id",
    "carry":["a"],"optional_carry":["b"],"fields":[{"name":"f","normaliser":"name","levels":[0.9]}],
    "blocking":[["f:exact"]]})");
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.status().message().find("optional_carry names \"b\", which is not in carry"),
            std::string::npos)
      << schema.status().ToString();
}

TEST(ParseLinkageSchema, refuses_unknown_normalisers_and_rising_levels) {
  const std::string base = R"({"schema":"harmlens-linkage/1","name":"t","record_key":"id",
    "fields":[{"name":"a","normaliser":"%N","levels":%L}],"blocking":[["a:exact"]]})";
  auto with = [&](const std::string& normaliser, const std::string& levels) {
    std::string s = base;
    s.replace(s.find("%N"), 2, normaliser);
    s.replace(s.find("%L"), 2, levels);
    return ParseLinkageSchema("t.json", s);
  };
  EXPECT_TRUE(with("name", "[0.9, 0.5]").ok());
  EXPECT_NE(with("soundex", "[0.9]").status().message().find("unknown normaliser"), std::string::npos);
  EXPECT_NE(with("name", "[0.5, 0.9]").status().message().find("fall strictly"), std::string::npos);
}

TEST(ReadIdentifiedRecords, reads_police_nominals_keyed_by_person_key_with_source_police) {
  const LinkageSchema schema = AgencySchema();
  constexpr std::string_view kNominals =
      "person_key,given_name,surname,date_of_birth,sex,postcode\n"
      "P00000000000000A1,Jayden,Okafor,2007-03-21,M,LE2 0QA\n"
      "P00000000000000B2,Kayleigh,Smith,,F,\n";
  ReadStats stats;
  auto records = ReadIdentifiedRecords("police_nominals.csv", kNominals, schema, &stats);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].key, "P00000000000000A1");
  EXPECT_EQ((*records)[0].source, "police");
  // carry is agency, event_type, event_date: the source's own column says police, the rest empty.
  EXPECT_EQ((*records)[1].carry, (std::vector<std::string>{"police", "", ""}));
  EXPECT_EQ((*records)[0].values[schema.FieldIndex("surname")], "okafor");
  EXPECT_EQ(stats.missing[schema.FieldIndex("date_of_birth")], 1);
  EXPECT_EQ(stats.missing[schema.FieldIndex("postcode")], 1);
  // Without a person_key either, the file is refused naming the schema's record key.
  auto neither =
      ReadIdentifiedRecords("x.csv", "given_name,surname,date_of_birth,sex,postcode\n", schema, &stats);
  ASSERT_FALSE(neither.ok());
  EXPECT_NE(neither.status().message().find("record_id"), std::string::npos);
}

}  // namespace
}  // namespace harmlens::linkage
