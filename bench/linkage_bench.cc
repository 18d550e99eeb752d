// Linkage benchmarks (docs/PERFORMANCE.md, "Linkage"): Dice comparisons of Bloom
// filters per second on one core (popcount), the keyed encoder's records per second,
// and the whole hub-side run (blocking, EM, comparing, clustering) on N encoded records
// made directly as filters — persons with one or two records, a duplicate differing in
// one field — with blocks of about ten records per rule. Peak memory is the process's
// maximum resident set (run one size per process for a clean figure).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <bit>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "linkage/comparators.h"
#include "linkage/linker.h"
#include "linkage/records.h"
#include "linkage/schema.h"

namespace harmlens::linkage {
namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

const LinkageSchema& AgencySchema() {
  static const LinkageSchema schema = [] {
    std::ifstream in(std::string(HARMLENS_DATA_DIR) + "/linkage/schema-1.json");
    std::stringstream text;
    text << in.rdbuf();
    return *ParseLinkageSchema("schema-1.json", text.str());
  }();
  return schema;
}

// The peer measured in the same run: the same Dice loop compiled here, in a file built
// without -mpopcnt, so std::popcount is the portable bit-twiddling sequence.
double PortableDice(const uint64_t* a, const uint64_t* b, int words, int popcount_a, int popcount_b) {
  int common = 0;
  for (int w = 0; w < words; ++w) common += std::popcount(a[w] & b[w]);
  return 2.0 * common / (popcount_a + popcount_b);
}

template <bool kHardware>
void BM_DiceComparisons(benchmark::State& state) {
  const int words = static_cast<int>(state.range(0)) / 64;
  constexpr int kFilters = 4096;
  std::vector<uint64_t> filters(size_t{kFilters} * words);
  std::vector<int> popcounts(kFilters);
  for (size_t i = 0; i < filters.size(); ++i)
    filters[i] = Mix(i) & Mix(i * 7 + 1);  // about a quarter of bits set
  for (int f = 0; f < kFilters; ++f) {
    for (int w = 0; w < words; ++w)
      popcounts[f] += std::popcount(filters[static_cast<size_t>(f) * words + w]);
  }
  double sum = 0;
  for (auto _ : state) {
    for (int f = 1; f < kFilters; ++f) {
      const uint64_t* other = &filters[static_cast<size_t>(f) * words];
      sum += kHardware ? DiceSimilarity(&filters[0], other, words, popcounts[0], popcounts[f])
                       : PortableDice(&filters[0], other, words, popcounts[0], popcounts[f]);
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * (kFilters - 1));
}
BENCHMARK(BM_DiceComparisons<true>)->Name("BM_DiceHardwarePopcount")->Arg(512)->Arg(1024)->Arg(2048);
BENCHMARK(BM_DiceComparisons<false>)->Name("BM_DicePortablePopcount")->Arg(512)->Arg(1024)->Arg(2048);

void BM_EncodeRecords(benchmark::State& state) {
  const LinkageSchema& schema = AgencySchema();
  auto encoder = KeyedEncoder::Create(schema, "benchmark secret, 32 bytes long!");
  std::vector<IdentifiedRecord> records;
  for (int i = 0; i < 1000; ++i) {
    records.push_back({"R" + std::to_string(i),
                       "probation",
                       {"probation", "referral", "2023-01-01"},
                       {"jayden" + std::string(1, char('a' + i % 26)), "okafor", "20070321", "M", "LE20QA"}});
  }
  for (auto _ : state) benchmark::DoNotOptimize(EncodedRecordSet(schema, *encoder, records));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
}
BENCHMARK(BM_EncodeRecords)->Unit(benchmark::kMillisecond);

// `persons` persons; every second one has a second record (so records = 1.5 x persons).
RecordSet SyntheticEncodedSet(const LinkageSchema& schema, int64_t records_wanted) {
  RecordSet set;
  set.mode = LinkMode::kEncoded;
  const size_t fields = schema.fields.size();
  for (const FieldSpec& f : schema.fields) set.words.push_back(f.bits / 64);
  set.filters.resize(fields);
  set.popcounts.resize(fields);
  const int64_t persons = records_wanted * 2 / 3;
  const uint64_t block_values = static_cast<uint64_t>(records_wanted / 10) + 1;  // ~10 records a block
  std::vector<uint64_t> words;
  for (int64_t p = 0; p < persons && static_cast<int64_t>(set.size()) < records_wanted; ++p) {
    for (int copy = 0; copy < (p % 2 == 0 ? 2 : 1); ++copy) {
      const uint32_t record = static_cast<uint32_t>(set.size());
      set.keys.push_back("s/" + std::to_string(record));
      set.sources.push_back("s");
      set.carry.push_back({});
      std::vector<uint64_t> tokens;
      for (size_t r = 0; r < schema.blocking.size(); ++r)
        tokens.push_back(Mix(r * 1'000'003 + Mix(p) % block_values) | 1);
      set.tokens.push_back(std::move(tokens));
      const size_t changed_field = Mix(p * 31 + 7) % fields;
      for (size_t f = 0; f < fields; ++f) {
        const int bits = schema.fields[f].bits;
        words.assign(bits / 64, 0);
        const int set_bits = std::min(bits / 4, 110);
        for (int b = 0; b < set_bits; ++b) {
          uint64_t position = Mix(p * 1'000'033 + f * 977 + b) % bits;
          if (copy == 1 && f == changed_field && b % 5 == 0) position = Mix(p * 13 + b) % bits;
          words[position / 64] |= uint64_t{1} << (position % 64);
        }
        int count = 0;
        for (uint64_t w : words) {
          set.filters[f].push_back(w);
          count += std::popcount(w);
        }
        set.popcounts[f].push_back(static_cast<uint16_t>(count));
      }
    }
  }
  return set;
}

void BM_LinkEncoded(benchmark::State& state) {
  const LinkageSchema& schema = AgencySchema();
  const RecordSet set = SyntheticEncodedSet(schema, state.range(0));
  LinkOptions options;
  options.threads = 2;
  LinkResult result;
  for (auto _ : state) result = Link(schema, set, options);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["records"] = static_cast<double>(set.size());
  state.counters["candidate_pairs"] = static_cast<double>(result.candidates.pairs.size());
  state.counters["matched_pairs"] = static_cast<double>(result.matched_pairs);
  state.counters["persons"] = static_cast<double>(result.clusters);
  state.counters["peak_rss_MB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_LinkEncoded)
    ->Arg(100'000)
    ->Arg(500'000)
    ->Arg(2'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace harmlens::linkage

BENCHMARK_MAIN();
