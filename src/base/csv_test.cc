#include "base/csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace harmlens {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view text, std::vector<std::string>* errors = nullptr) {
  CsvReader reader(text);
  CsvRecord record;
  std::vector<std::vector<std::string>> rows;
  while (reader.Next(&record)) {
    rows.emplace_back(record.fields.begin(), record.fields.end());
    if (errors) errors->push_back(record.error);
  }
  return rows;
}

TEST(CsvReader, splits_plain_fields_and_accepts_lf_and_crlf) {
  auto rows = ReadAll("a,b,c\r\n1,2,3\n4,5,6");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"4", "5", "6"}));
}

TEST(CsvReader, keeps_commas_and_escaped_quotes_inside_quoted_fields) {
  auto rows = ReadAll("x,\"On or near Asda, Thurmaston\",\"say \"\"hi\"\"\"\r\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"x", "On or near Asda, Thurmaston", "say \"hi\""}));
}

TEST(CsvReader, finds_every_delimiter_quote_and_line_end_wherever_it_falls_in_a_word) {
  // Fields of 0 to 24 bytes after 0 to 16 bytes of padding put each special byte at
  // every position of an eight-byte word, next to bytes that differ from it in one bit
  // (',' 0x2C beside '-' 0x2D and '.' 0x2E, '\n' 0x0A beside 0x0B, '"' 0x22 beside '#'
  // 0x23) and bytes above 0x7F. The expected fields are the ones the text was built from.
  const std::string alphabet = "-.#\x0b\x80\xff\xac\x8a\xa2 a";
  for (char delimiter : {',', ';', '\t'}) {
    CsvOptions options;
    options.delimiter = delimiter;
    for (size_t pad = 0; pad <= 16; ++pad) {
      for (size_t length = 0; length <= 24; ++length) {
        std::string plain, quoted;
        for (size_t k = 0; k < length; ++k) plain += alphabet[(k * 7 + pad) % alphabet.size()];
        std::string inner = plain.substr(0, length / 2) + "\"" + plain.substr(length / 2);  // one escaped quote
        quoted = "\"" + inner.substr(0, length / 2) + "\"" + inner.substr(length / 2) + "\"";
        const std::string padding(pad, 'p');
        std::string text = padding + delimiter + plain + delimiter + quoted + "\r\n" + plain + "\n" + quoted;
        CsvReader reader(text, options);
        CsvRecord record;
        SCOPED_TRACE("delimiter " + std::to_string(delimiter) + " pad " + std::to_string(pad) + " length " +
                     std::to_string(length));
        ASSERT_TRUE(reader.Next(&record));
        EXPECT_EQ(record.error, "");
        ASSERT_EQ(record.fields.size(), 3u);
        EXPECT_EQ(record.fields[0], padding);
        EXPECT_EQ(record.fields[1], plain);
        EXPECT_EQ(record.fields[2], inner);
        EXPECT_EQ(record.raw, padding + delimiter + plain + delimiter + quoted);
        ASSERT_TRUE(reader.Next(&record));
        EXPECT_EQ(record.line, 2);
        ASSERT_EQ(record.fields.size(), 1u);
        EXPECT_EQ(record.fields[0], plain);
        ASSERT_TRUE(reader.Next(&record));
        EXPECT_EQ(record.line, 3);
        ASSERT_EQ(record.fields.size(), 1u);
        EXPECT_EQ(record.fields[0], inner);
        EXPECT_FALSE(reader.Next(&record));
      }
    }
  }
}

// SkipLines against a line feed at a time, on texts with lines of 0 to 150 bytes (so
// whole 64-byte blocks with no, one or many feeds), with and without a final feed, from
// every start, for every count of lines up to past the end.
TEST(SkipLines, ends_where_counting_line_feeds_one_by_one_ends) {
  std::mt19937 random(11);
  for (int trial = 0; trial < 40; ++trial) {
    std::string text;
    const int lines = static_cast<int>(random() % 12);
    for (int l = 0; l < lines; ++l) {
      text += std::string(random() % (trial % 2 ? 150 : 9), static_cast<char>('a' + l));
      text += (random() % 3 == 0) ? "\r\n" : "\n";
    }
    if (trial % 3 == 0) text += "unterminated";
    for (size_t from = 0; from <= text.size(); from += 1 + random() % 7) {
      for (int64_t want = 1; want <= lines + 2; ++want) {
        size_t expected_at = from;
        int64_t expected_lines = 0;
        while (expected_lines < want && expected_at < text.size()) {
          const size_t feed = text.find('\n', expected_at);
          expected_at = feed == std::string::npos ? text.size() : feed + 1;
          ++expected_lines;
        }
        int64_t skipped = -1;
        ASSERT_EQ(SkipLines(text, from, want, &skipped), expected_at) << "trial " << trial << " from " << from;
        ASSERT_EQ(skipped, expected_lines) << "trial " << trial << " from " << from;
      }
    }
  }
}

TEST(CsvReader, finds_a_line_break_inside_quotes_at_every_position_of_a_word) {
  for (size_t at = 0; at <= 17; ++at) {
    std::string inner = std::string(at, 'x') + "\n" + std::string(17 - at, 'y');
    std::string text = "\"" + inner + "\",z\nnext\n";
    SCOPED_TRACE("line break after " + std::to_string(at) + " bytes");
    // Allowed: one record over two lines, then the next.
    CsvOptions multiline;
    multiline.allow_newlines_in_quotes = true;
    CsvReader reader(text, multiline);
    CsvRecord record;
    ASSERT_TRUE(reader.Next(&record));
    EXPECT_EQ(record.error, "");
    ASSERT_EQ(record.fields.size(), 2u);
    EXPECT_EQ(record.fields[0], inner);
    ASSERT_TRUE(reader.Next(&record));
    EXPECT_EQ(record.line, 3);
    EXPECT_EQ(record.fields[0], "next");
    // Not allowed (the default): the quote is unclosed at the end of its line.
    CsvReader strict(text);
    ASSERT_TRUE(strict.Next(&record));
    EXPECT_EQ(record.error, "a quoted field is not closed before the end of the line");
    EXPECT_EQ(record.raw, "\"" + std::string(at, 'x'));
    ASSERT_TRUE(strict.Next(&record));
    EXPECT_EQ(record.line, 2);
  }
}

TEST(CsvReader, skips_a_utf8_byte_order_mark) {
  auto rows = ReadAll("\xEF\xBB\xBFh1,h2\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "h1");
}

TEST(CsvReader, keeps_empty_fields_including_a_trailing_one) {
  auto rows = ReadAll("a,,c,\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "", "c", ""}));
}

TEST(CsvReader, reports_line_numbers_of_each_record) {
  CsvReader reader("h\n1\n\n2\n");
  CsvRecord r;
  std::vector<int64_t> lines;
  std::vector<bool> blanks;
  while (reader.Next(&r)) {
    lines.push_back(r.line);
    blanks.push_back(r.blank);
  }
  EXPECT_EQ(lines, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(blanks, (std::vector<bool>{false, false, true, false}));
}

TEST(CsvReader, an_unclosed_quote_spoils_only_its_own_line) {
  std::vector<std::string> errors;
  auto rows = ReadAll("a,\"oops\nb,c\n", &errors);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(errors[0], "a quoted field is not closed before the end of the line");
  EXPECT_EQ(errors[1], "");
  EXPECT_EQ(rows[1], (std::vector<std::string>{"b", "c"}));
}

TEST(CsvReader, flags_text_after_a_closing_quote) {
  CsvReader reader("a,\"b\"x,c\nd\n");
  CsvRecord r;
  ASSERT_TRUE(reader.Next(&r));
  EXPECT_NE(r.error.find("after a closing quote"), std::string::npos);
  EXPECT_EQ(r.error_field, 1u);
  ASSERT_TRUE(reader.Next(&r));
  EXPECT_EQ(r.fields[0], "d");
}

// Records long and short (so that fields, quotes and line ends fall anywhere in and
// across 64-byte blocks): plain fields, quoted ones with delimiters and "" inside, and
// plain ones with a stray quote inside (kept as written); LF or CRLF; the last line with
// or without its feed. Expected: the fields, lines and raw bytes the text was built from.
TEST(CsvReader, reads_back_random_records_of_every_length_as_they_were_written) {
  std::mt19937 random(20261206);
  auto below = [&](size_t n) { return static_cast<size_t>(random() % n); };
  for (char delimiter : {',', ';', '\t'}) {
    const std::string plain_bytes = std::string("abc -.#\x0b\x80\xff\r") + (delimiter == ',' ? ";" : ",");
    struct Written {
      std::vector<std::string> fields;
      std::string raw;
      int64_t line;
    };
    std::vector<Written> written;
    std::string text;
    int ascii_promised = 0;
    for (int record_no = 0; record_no < 3000; ++record_no) {
      Written w{{}, "", static_cast<int64_t>(written.size()) + 1};
      const size_t fields = 1 + below(below(4) == 0 ? 40 : 12);
      for (size_t f = 0; f < fields; ++f) {
        std::string value;
        const size_t length = below(below(8) == 0 ? 90 : 14);
        const size_t kind = below(10);  // 0 quoted, 1 a stray quote inside, else plain
        if (kind == 0) {
          std::string quoted = "\"";
          for (size_t k = 0; k < length; ++k) {
            const size_t pick = below(plain_bytes.size() + 2);
            const char c = pick < plain_bytes.size() ? plain_bytes[pick] : pick == plain_bytes.size() ? '"' : delimiter;
            value += c;
            quoted += c == '"' ? "\"\"" : std::string(1, c);
          }
          w.raw += quoted + "\"";
        } else {
          for (size_t k = 0; k < length; ++k) value += plain_bytes[below(plain_bytes.size())];
          if (kind == 1 && value.size() >= 2) value[1 + below(value.size() - 1)] = '"';
          w.raw += value;
        }
        w.fields.push_back(value);
        if (f + 1 < fields) w.raw += delimiter;
      }
      // A plain last field ending in CR would lose it to the line end: not written.
      if (w.raw.back() == '\r') continue;
      text += w.raw + (below(2) == 0 ? "\r\n" : "\n");
      written.push_back(std::move(w));
    }
    if (below(2) == 0) text.pop_back();  // no final feed (a CR left at the very end ends the line too)
    CsvOptions options;
    options.delimiter = delimiter;
    CsvReader reader(text, options);
    CsvRecord record;
    SCOPED_TRACE(std::string("delimiter ") + delimiter);
    for (const Written& w : written) {
      ASSERT_TRUE(reader.Next(&record));
      SCOPED_TRACE("record " + w.raw);
      EXPECT_EQ(record.error, "");
      EXPECT_EQ(std::vector<std::string>(record.fields.begin(), record.fields.end()), w.fields);
      EXPECT_EQ(record.raw, w.raw);
      EXPECT_EQ(record.line, w.line);
      // ascii is a promise (it spares the UTF-8 check): never made for a non-ASCII row.
      const bool all_ascii = std::all_of(w.raw.begin(), w.raw.end(), [](char c) { return (c & 0x80) == 0; });
      EXPECT_TRUE(!record.ascii || all_ascii);
      ascii_promised += record.ascii ? 1 : 0;
    }
    EXPECT_FALSE(reader.Next(&record));
    EXPECT_GT(ascii_promised, 20);  // rows of ASCII bytes only (1 in 13 plain bytes is not)
  }
}

TEST(CsvReader, allows_line_breaks_in_quotes_when_asked) {
  CsvOptions options;
  options.allow_newlines_in_quotes = true;
  CsvReader reader("\"two\nlines\",x\nnext\n", options);
  CsvRecord r;
  ASSERT_TRUE(reader.Next(&r));
  EXPECT_EQ(r.fields[0], "two\nlines");
  ASSERT_TRUE(reader.Next(&r));
  EXPECT_EQ(r.line, 3);
  EXPECT_EQ(r.fields[0], "next");
}

TEST(Utf8, accepts_valid_text_and_rejects_broken_sequences) {
  EXPECT_TRUE(IsValidUtf8("Caf\xC3\xA9 \xE2\x82\xAC"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

}  // namespace
}  // namespace harmlens
