#include "synth/csv_out.h"

#include <utility>

#include "synth/calendar.h"

namespace harmlens::synth {
namespace {
constexpr size_t kFlushBytes = 1 << 20;
}  // namespace

Result<std::unique_ptr<CsvOut>> CsvOut::Create(Env* env, const std::string& path, std::string_view header) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
  std::unique_ptr<CsvOut> out(new CsvOut(path, std::move(file)));
  out->buffer_.reserve(kFlushBytes + 4096);
  out->buffer_.append(header);
  out->buffer_.push_back('\n');
  return out;
}

void CsvOut::Open() {
  if (!first_field_) buffer_.push_back(',');
  first_field_ = false;
}

void CsvOut::Field(std::string_view text) {
  Open();
  bool quote = !text.empty() && (text.front() == ' ' || text.back() == ' ');
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    buffer_.append(text);
    return;
  }
  buffer_.push_back('"');
  for (char c : text) {
    if (c == '"') buffer_.push_back('"');
    buffer_.push_back(c);
  }
  buffer_.push_back('"');
}

void CsvOut::Field(int64_t value) {
  Open();
  AppendPadded(&buffer_, value, 1);
}

Status CsvOut::End() {
  buffer_.push_back('\n');
  first_field_ = true;
  ++rows_;
  if (buffer_.size() >= kFlushBytes) {
    Status status = file_->Append(buffer_);
    buffer_.clear();
    return status;
  }
  return Status::Ok();
}

Status CsvOut::Close() {
  if (!buffer_.empty()) {
    HL_RETURN_IF_ERROR(file_->Append(buffer_));
    buffer_.clear();
  }
  return file_->Close();
}

}  // namespace harmlens::synth
