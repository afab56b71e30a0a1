#include "event/input_reader.h"

#include <simdjson.h>

#include <cstring>
#include <memory>

#include "common/gzip.h"

namespace cairn {
namespace {

// A SequentialFile over bytes in memory, to run the streaming inflater over a damaged gzip input.
class StringSource : public SequentialFile {
 public:
  explicit StringSource(std::string_view data) : data_(data) {}
  Result<std::string_view> Read(size_t n, char* scratch) override {
    const size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(scratch, data_.data() + pos_, k);
    pos_ += k;
    return std::string_view(scratch, k);
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

void Unreadable(std::string_view name, const Status& status, ParseSummary* summary) {
  std::string m = status.message();
  if (m.rfind(name, 0) != 0) m = std::string(name) + ": " + m;
  summary->Reject(RejectReason::kUnreadable, Status(status.code(), std::move(m)));
}

// Parses gzip bytes. When the stream is damaged, the bytes decoded before the damage still go
// through the parser and the gzip error becomes the input's one kTruncated error.
Envelope ParseGzip(std::string_view gz, std::string_view name, RecordParser* parser,
                   EventBatch* batch, ParseSummary* summary) {
  Result<std::string> json = gzip::Inflate(gz, name);
  if (json.ok()) return ParseJsonText(std::move(*json), name, parser, batch, summary);

  // Small output chunks: the reader drops the chunk it is filling when the stream breaks.
  StringSource source(gz);
  gzip::GzipStreamReader::Options options;
  options.chunk_size = 512;
  options.read_size = 64 << 10;
  gzip::GzipStreamReader reader(&source, std::string(name), options);
  std::string prefix;
  Status broke;
  while (true) {
    Result<std::string_view> chunk = reader.Next();
    if (!chunk.ok()) {
      broke = chunk.status();
      break;
    }
    if (chunk->empty()) break;
    prefix.append(*chunk);
  }
  if (broke.ok()) broke = json.status();  // the two decoders disagree; trust the stricter one
  if (prefix.empty()) {
    Unreadable(name, broke, summary);
    return Envelope::kUnknown;
  }
  summary->bytes_json += prefix.size();
  std::string cause = broke.message();
  if (cause.rfind(name, 0) == 0) cause = cause.substr(std::min(cause.size(), name.size() + 2));
  Str owned = OwnPadded(std::move(prefix), batch);
  return ParseOwnedJson(owned, name, parser, batch, summary, "gzip stream broken: " + cause);
}

}  // namespace

Envelope ParseInputBytes(std::string bytes, std::string_view name, RecordParser* parser,
                         EventBatch* batch, ParseSummary* summary) {
  ++summary->files_read;
  summary->bytes_read += bytes.size();
  if (gzip::IsGzip(bytes)) return ParseGzip(bytes, name, parser, batch, summary);
  return ParseJsonText(std::move(bytes), name, parser, batch, summary);
}

Envelope ParseInputFile(Env* env, const std::string& path, RecordParser* parser,
                        EventBatch* batch, ParseSummary* summary) {
  ++summary->files_read;
  Result<std::unique_ptr<RandomAccessFile>> file = env->NewRandomAccessFile(path);
  if (!file.ok()) {
    Unreadable(path, file.status(), summary);
    return Envelope::kUnknown;
  }
  const uint64_t size = (*file)->Size();
  summary->bytes_read += size;
  char magic[2];
  Result<std::string_view> head = (*file)->Read(0, std::min<uint64_t>(size, 2), magic);
  if (!head.ok()) {
    Unreadable(path, head.status(), summary);
    return Envelope::kUnknown;
  }
  if (gzip::IsGzip(*head)) {
    // Large files are mapped: the view points into the mapping and the scratch stays untouched.
    std::unique_ptr<char[]> scratch(new char[size]);
    Result<std::string_view> gz = (*file)->Read(0, size, scratch.get());
    if (!gz.ok()) {
      Unreadable(path, gz.status(), summary);
      return Envelope::kUnknown;
    }
    return ParseGzip(*gz, path, parser, batch, summary);
  }
  std::string text;
  text.reserve(size + simdjson::SIMDJSON_PADDING);
  text.resize(size);
  Result<std::string_view> got = (*file)->Read(0, size, text.data());
  if (!got.ok()) {
    Unreadable(path, got.status(), summary);
    return Envelope::kUnknown;
  }
  if (got->data() != text.data()) std::memcpy(text.data(), got->data(), got->size());
  text.resize(got->size());
  return ParseJsonText(std::move(text), path, parser, batch, summary);
}

}  // namespace cairn
