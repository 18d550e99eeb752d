#include "base/csv.h"

#include <gtest/gtest.h>

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
