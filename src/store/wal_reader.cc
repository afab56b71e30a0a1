#include "store/wal_reader.h"

#include <fmt/format.h>

#include "store/wire.h"

namespace cairn {

Result<std::unique_ptr<WalReader>> WalReader::Open(Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(std::string data, env->ReadFile(path));
  std::unique_ptr<WalReader> r(new WalReader(path, std::move(data)));
  WalRecord header;
  ASSIGN_OR_RETURN(bool have, r->ReadRecord(&header));
  if (!have) return r;  // empty or torn before its header completed: no batches
  if (header.type != wal::RecordType::kFileHeader) {
    return Status::DataLoss(
        fmt::format("{}: record 0 at offset 0: expected a WAL file header, found type {}", path,
                    static_cast<int>(header.type)));
  }
  wire::WireReader in(header.payload);
  std::string_view magic = in.Raw(wal::kFileMagic.size());
  uint32_t version = in.Fixed32();
  uint64_t number = in.Fixed64();
  if (!in.ok() || magic != wal::kFileMagic) {
    return Status::DataLoss(fmt::format("{}: not a cairn WAL file (bad header record)", path));
  }
  if (version != wal::kFormatVersion) {
    return Status::DataLoss(fmt::format("{}: unsupported WAL format version {}", path, version));
  }
  r->file_number_ = number;
  return r;
}

bool WalReader::ZeroToEnd(uint64_t from) const {
  for (uint64_t i = from; i < data_.size(); ++i) {
    if (data_[i] != '\0') return false;
  }
  return true;
}

Result<bool> WalReader::ReadRecord(WalRecord* rec) {
  if (torn_ || pos_ == data_.size()) return false;
  const uint64_t size = data_.size();
  const uint64_t remaining = size - pos_;
  if (remaining < wal::kHeaderSize) {
    torn_ = true;
    return false;
  }
  const char* h = data_.data() + pos_;
  const uint32_t length = wire::DecodeFixed32(h);
  const uint32_t crc = wire::DecodeFixed32(h + 4);
  const auto type = static_cast<wal::RecordType>(static_cast<uint8_t>(h[8]));
  const uint64_t end = pos_ + wal::kHeaderSize + length;
  if (length > wal::kMaxPayload || end > size) {
    // The header promises more than the file holds: the write that made it never finished. (A
    // corrupt length in the middle of a file lands here too; it is indistinguishable from a tear
    // and everything after it is unreadable anyway.)
    torn_ = true;
    return false;
  }
  std::string_view payload(h + wal::kHeaderSize, length);
  if (wal::RecordCrc(type, payload) != crc) {
    if (end == size || ZeroToEnd(pos_)) {
      torn_ = true;
      return false;
    }
    return Status::DataLoss(
        fmt::format("{}: record {} at offset {}: checksum mismatch", path_, index_, pos_));
  }
  rec->type = type;
  rec->payload = payload;
  rec->offset = pos_;
  rec->index = index_++;
  pos_ = end;
  return true;
}

Result<bool> WalReader::Next(WalRecord* rec) {
  ASSIGN_OR_RETURN(bool have, ReadRecord(rec));
  if (!have) return false;
  if (rec->type != wal::RecordType::kBatch) {
    return Status::DataLoss(fmt::format("{}: record {} at offset {}: unexpected record type {}",
                                        path_, rec->index, rec->offset,
                                        static_cast<int>(rec->type)));
  }
  return true;
}

}  // namespace cairn
