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

// The message of a gzip error without the input's name in front (the caller adds its own).
std::string WithoutName(const Status& status, std::string_view name) {
  std::string m = status.message();
  if (m.rfind(name, 0) == 0) m = m.substr(std::min(m.size(), name.size() + 2));
  return m;
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
  std::string cause = WithoutName(broke, name);
  Str owned = OwnPadded(std::move(prefix), batch);
  return ParseOwnedJson(owned, name, parser, batch, summary, "gzip stream broken: " + cause);
}

// Streams `source` (gzip or not) through an EnvelopeParser, one part per `part_bytes` of JSON.
Status StreamInput(SequentialFile* source, std::string_view name, RecordParser* parser,
                   const ReadOptions& options, const std::function<Status(InputPart&)>& sink) {
  gzip::GzipStreamReader::Options gz;
  gz.pass_through_if_not_gzip = true;
  // Chunks (and, for plain text, reads) well under a part, so parts stay near part_bytes.
  gz.chunk_size = std::min<size_t>(size_t{1} << 20, std::max<size_t>(options.part_bytes / 4, 512));
  gz.read_size = std::min<size_t>(size_t{256} << 10, gz.chunk_size);
  gzip::GzipStreamReader reader(source, std::string(name), gz);
  EnvelopeParser envelope(name, parser, nullptr);
  std::string carry;  // the unused end of the previous part's text
  uint64_t compressed_before = 0;
  uint64_t json_total = 0;
  bool eof = false;
  for (size_t index = 0; !eof; ++index) {
    InputPart part;
    part.index = index;
    part.summary.files_read = index == 0 ? 1 : 0;
    envelope.set_summary(&part.summary);
    std::string text;
    text.reserve(carry.size() + options.part_bytes + simdjson::SIMDJSON_PADDING);
    text.assign(carry);
    Status broke;
    while (text.size() < carry.size() + options.part_bytes) {
      Result<std::string_view> chunk = reader.Next();
      if (!chunk.ok()) {
        broke = chunk.status();
        eof = true;
        break;
      }
      if (chunk->empty()) {
        eof = true;
        break;
      }
      text.append(*chunk);
    }
    part.summary.bytes_json += text.size() - carry.size();
    json_total += text.size() - carry.size();
    part.summary.bytes_read += reader.compressed_offset() - compressed_before;
    compressed_before = reader.compressed_offset();
    if (!broke.ok() && json_total == 0) {
      Unreadable(name, broke, &part.summary);
      part.last = true;
      part.envelope = Envelope::kUnknown;
      return sink(part);
    }
    if (!broke.ok()) envelope.SetCutShort("gzip stream broken: " + WithoutName(broke, name));
    Str owned = OwnPadded(std::move(text), &part.batch);
    const size_t used = envelope.Parse(owned, eof, &part.batch);
    carry.assign(owned.substr(used));
    part.envelope = envelope.envelope();
    part.last = eof;
    RETURN_IF_ERROR(sink(part));
  }
  return Status::OK();
}

}  // namespace

Status ReadInput(Env* env, const std::string& path, std::string_view name, RecordParser* parser,
                 const ReadOptions& options, const std::function<Status(InputPart&)>& sink) {
  auto unreadable = [&](const Status& status) {
    InputPart part;
    part.last = true;
    part.summary.files_read = 1;
    Unreadable(name, status, &part.summary);
    return sink(part);
  };
  if (path == "-") {
    Result<std::unique_ptr<SequentialFile>> in = env->NewSequentialFile("/dev/stdin");
    if (!in.ok()) return unreadable(in.status());
    return StreamInput(in->get(), name, parser, options, sink);
  }
  // Small enough to parse whole? Plain text by its size; gzip by its size and the ISIZE trailer
  // (the last member's length mod 2^32; exact for the usual single member under 4 GiB).
  bool whole = false;
  {
    Result<std::unique_ptr<RandomAccessFile>> file = env->NewRandomAccessFile(path);
    if (!file.ok()) return unreadable(file.status());
    const uint64_t size = (*file)->Size();
    char head[4];
    Result<std::string_view> magic = (*file)->Read(0, std::min<uint64_t>(size, 2), head);
    if (!magic.ok()) return unreadable(magic.status());
    if (!gzip::IsGzip(*magic)) {
      whole = size <= options.part_bytes;
    } else if (size >= 18 && size <= options.part_bytes / 4) {
      char tail[4];
      Result<std::string_view> isize = (*file)->Read(size - 4, 4, tail);
      if (!isize.ok()) return unreadable(isize.status());
      const auto* b = reinterpret_cast<const unsigned char*>(isize->data());
      const uint64_t n = b[0] | (b[1] << 8) | (b[2] << 16) | (uint64_t{b[3]} << 24);
      whole = n <= options.part_bytes;
    } else {
      whole = size < 18;  // too short to be whole gzip: let the whole path report it
    }
  }
  if (whole) {
    InputPart part;
    part.last = true;
    part.envelope = ParseInputFile(env, path, parser, &part.batch, &part.summary);
    return sink(part);
  }
  Result<std::unique_ptr<SequentialFile>> in = env->NewSequentialFile(path);
  if (!in.ok()) return unreadable(in.status());
  return StreamInput(in->get(), name, parser, options, sink);
}

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
