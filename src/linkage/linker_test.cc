// The engine on the bundled FEBRL benchmark sets (data/febrl, with their true pairs) in
// both modes, and the parts that must hold whatever the data: person ids that never
// renumber, pairwise accuracy arithmetic, blocking counts, the explanation.
#include "linkage/linker.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "linkage/truth.h"
#include "support/testing.h"

namespace harmlens::linkage {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

LinkageSchema Schema(const std::string& name) {
  auto schema = ParseLinkageSchema(name, ReadText(testing::DataDir() + "/linkage/" + name));
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return *schema;
}

struct Accuracy {
  PairAccuracy encoded, plaintext;
};

Accuracy LinkFebrl(const std::string& dataset) {
  const LinkageSchema schema = Schema("febrl-1.json");
  ReadStats stats;
  const std::string file = testing::DataDir() + "/febrl/" + dataset + ".csv";
  auto records = ReadIdentifiedRecords(file, ReadText(file), schema, &stats);
  EXPECT_TRUE(records.ok());
  auto encoder = KeyedEncoder::Create(schema, "a test secret for the FEBRL accuracy tests");
  EXPECT_TRUE(encoder.ok());
  Accuracy accuracy;
  for (LinkMode mode : {LinkMode::kEncoded, LinkMode::kPlaintext}) {
    const RecordSet set = mode == LinkMode::kEncoded ? EncodedRecordSet(schema, *encoder, *records)
                                                     : PlaintextRecordSet(schema, *records);
    auto truth = FebrlTruth(set.keys);
    EXPECT_TRUE(truth.ok());
    // The labels from the record ids give exactly the published true pairs.
    const std::vector<uint32_t> as_clusters(truth->begin(), truth->end());
    EXPECT_EQ(
        EvaluateClusters(as_clusters, *truth).true_pairs,
        CountTruePairs(ReadText(testing::DataDir() + "/febrl/" + dataset + "_true_duplicate_pairs.csv")));
    const LinkResult result = Link(schema, set, LinkOptions{});
    EXPECT_GT(result.candidates.pairs.size(), 0u);
    EXPECT_EQ(result.candidates.oversized_blocks, 0);
    (mode == LinkMode::kEncoded ? accuracy.encoded : accuracy.plaintext) =
        EvaluateClusters(result.cluster, *truth);
  }
  return accuracy;
}

// Measured (docs/linkage.md): dataset1 F1 1.0000 both modes.
TEST(LinkFebrl, dataset1_links_every_duplicate_in_both_modes) {
  const Accuracy a = LinkFebrl("dataset1");
  EXPECT_GE(a.encoded.f1(), 0.99);
  EXPECT_GE(a.plaintext.f1(), 0.99);
}

// Measured: dataset2 F1 0.9987 encoded, 0.9982 plaintext.
TEST(LinkFebrl, dataset2_reaches_f1_095_with_encodings_within_two_points_of_plaintext) {
  const Accuracy a = LinkFebrl("dataset2");
  EXPECT_GE(a.encoded.f1(), 0.98);
  EXPECT_GE(a.plaintext.f1(), 0.98);
  EXPECT_GE(a.encoded.f1(), a.plaintext.f1() - 0.02);
}

// Measured: dataset3 F1 0.9989 encoded, 0.9985 plaintext.
TEST(LinkFebrl, dataset3_reaches_f1_095_with_encodings_within_two_points_of_plaintext) {
  const Accuracy a = LinkFebrl("dataset3");
  EXPECT_GE(a.encoded.f1(), 0.98);
  EXPECT_GE(a.plaintext.f1(), 0.98);
  EXPECT_GE(a.encoded.f1(), a.plaintext.f1() - 0.02);
}

// Hand count: predicted {0,1,2},{3}; truth {0,1},{2,3}: predicted pairs 3, true pairs 2,
// in both 1 (0-1).
TEST(EvaluateClusters, counts_pairs_by_hand) {
  const PairAccuracy a = EvaluateClusters({7, 7, 7, 9}, {1, 1, 2, 2});
  EXPECT_EQ(a.predicted_pairs, 3);
  EXPECT_EQ(a.true_pairs, 2);
  EXPECT_EQ(a.true_positives, 1);
  EXPECT_NEAR(a.f1(), 2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5), 1e-12);
}

TEST(AssignPersonIds, keeps_earlier_ids_and_lets_new_records_join_their_person) {
  // Run 1: records a, b (one person) and c.
  const std::vector<int64_t> first = AssignPersonIds({"s/a", "s/b", "s/c"}, {0, 0, 1}, {});
  EXPECT_EQ(first, (std::vector<int64_t>{1, 1, 2}));
  // Run 2 numbers clusters differently; d joins a's person, e is new.
  const std::map<std::string, int64_t> earlier = {{"s/a", 1}, {"s/b", 1}, {"s/c", 2}};
  const std::vector<int64_t> second =
      AssignPersonIds({"s/c", "s/e", "s/a", "s/d", "s/b"}, {0, 2, 1, 1, 1}, earlier);
  EXPECT_EQ(second, (std::vector<int64_t>{2, 3, 1, 1, 1}));
}

TEST(AssignPersonIds, never_renumbers_when_a_later_run_merges_two_persons) {
  const std::map<std::string, int64_t> earlier = {{"s/a", 4}, {"s/b", 9}};
  EXPECT_EQ(AssignPersonIds({"s/a", "s/b", "s/n"}, {0, 0, 0}, earlier), (std::vector<int64_t>{4, 9, 4}));
}

RecordSet TinyPlaintext(const LinkageSchema& schema, const std::vector<std::vector<std::string>>& rows) {
  std::vector<IdentifiedRecord> records;
  for (size_t i = 0; i < rows.size(); ++i)
    records.push_back({"r" + std::to_string(i), "s", {"s", "x", "y"}, rows[i]});
  return PlaintextRecordSet(schema, records);
}

// Three records share surname soundex and birth year (rule 0), two of them also the date
// and sex (rule 2): pairs (0,1), (0,2), (1,2) from rule 0, none new from rule 2.
TEST(BlockRecords, reports_each_pair_once) {
  const LinkageSchema schema = Schema("schema-1.json");
  const RecordSet set = TinyPlaintext(schema, {{"amy", "smith", "20010203", "F", ""},
                                               {"amy", "smyth", "20010203", "F", ""},
                                               {"bob", "smith", "20011111", "M", ""},
                                               {"cat", "jones", "19990101", "F", ""}});
  const CandidatePairs c = BlockRecords(set);
  EXPECT_EQ(c.pairs, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 1}, {0, 2}, {1, 2}}));
}

TEST(ExplainPair, adds_up_each_fields_weight_from_the_prior) {
  const LinkageSchema schema = Schema("schema-1.json");
  const RecordSet set = TinyPlaintext(
      schema, {{"amy", "smith", "20010203", "F", ""}, {"amy", "smyth", "20010203", "F", "LE20QA"}});
  MatchModel model;
  model.match_share = 0.5;  // prior weight 0
  for (const FieldSpec& f : schema.fields) {
    FieldWeights w;
    w.m.assign(f.levels.size() + 1, 0.25);
    w.u.assign(f.levels.size() + 1, 0.25);
    w.m[0] = 0.5;  // top level: log2(0.5 / 0.25) = +1
    model.fields.push_back(w);
  }
  const std::string text = ExplainPair(schema, set, model, 0, 1);
  // given_name, date_of_birth and sex agree exactly (+1 each); surname smith/smyth has
  // Jaro-Winkler 0.893 (level 1, weight 0); the postcode is missing.
  EXPECT_NE(text.find("match weight +3.000"), std::string::npos) << text;
  EXPECT_NE(text.find("missing"), std::string::npos) << text;
}

}  // namespace
}  // namespace harmlens::linkage
