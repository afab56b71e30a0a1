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

namespace {

// Parses the bytes of one whole input (gzip or plain) held in `data`, a view into a file mapping or
// a scratch buffer. Plain text is copied once, into a padded buffer the batch owns.
Envelope ParseWhole(std::string_view data, std::string_view name, RecordParser* parser,
                    EventBatch* batch, ParseSummary* summary) {
  if (gzip::IsGzip(data)) return ParseGzip(data, name, parser, batch, summary);
  std::string text;
  text.reserve(data.size() + simdjson::SIMDJSON_PADDING);
  text.append(data);
  return ParseJsonText(std::move(text), name, parser, batch, summary);
}

// The gzip ISIZE trailer: the last member's length mod 2^32 (exact for the usual single member
// under 4 GiB).
uint64_t GzipSizeHint(std::string_view gz) {
  if (gz.size() < 18) return 0;
  const auto* b = reinterpret_cast<const unsigned char*>(gz.data() + gz.size() - 4);
  return b[0] | (b[1] << 8) | (b[2] << 16) | (uint64_t{b[3]} << 24);
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
  Result<std::unique_ptr<RandomAccessFile>> file = env->NewRandomAccessFile(path);
  if (!file.ok()) return unreadable(file.status());
  const uint64_t size = (*file)->Size();
  // Files up to a part are read in one go (one pread, or a view into the mapping). Plain text is
  // then parsed whole, and so is gzip of up to a quarter part that inflates to at most a part;
  // other gzip is streamed from memory. Bigger files are streamed from the file.
  if (size <= options.part_bytes) {
    std::unique_ptr<char[]> scratch(new char[size]);  // untouched when the file is mapped
    Result<std::string_view> data = (*file)->Read(0, size, scratch.get());
    if (!data.ok()) return unreadable(data.status());
    const bool gz = gzip::IsGzip(*data);
    if (!gz || (size <= options.part_bytes / 4 && GzipSizeHint(*data) <= options.part_bytes)) {
      InputPart part;
      part.last = true;
      ++part.summary.files_read;
      part.summary.bytes_read += data->size();
      part.envelope = ParseWhole(*data, name, parser, &part.batch, &part.summary);
      return sink(part);
    }
    StringSource source(*data);
    return StreamInput(&source, name, parser, options, sink);
  }
  file->reset();
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

Envelope ParseInputFile(Env* env, const std::string& path, RecordParser* parser, EventBatch* batch,
                        ParseSummary* summary) {
  ++summary->files_read;
  Result<std::unique_ptr<RandomAccessFile>> file = env->NewRandomAccessFile(path);
  if (!file.ok()) {
    Unreadable(path, file.status(), summary);
    return Envelope::kUnknown;
  }
  const uint64_t size = (*file)->Size();
  std::unique_ptr<char[]> scratch(new char[size]);  // untouched when the file is mapped
  Result<std::string_view> data = (*file)->Read(0, size, scratch.get());
  if (!data.ok()) {
    Unreadable(path, data.status(), summary);
    return Envelope::kUnknown;
  }
  summary->bytes_read += data->size();
  return ParseWhole(*data, path, parser, batch, summary);
}

}  // namespace cairn
