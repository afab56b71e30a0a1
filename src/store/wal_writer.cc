// src/store/wal_writer.cc
//
// A WAL file is a sequence of records:
//   file        := header_rec batch_rec*
//   record      := length:fixed32  crc32c:fixed32  type:uint8  payload[length]
//   type        := kBatch(1) | kFileHeader(2)
//   header_rec  := record with type kFileHeader and
//                  payload = magic:"CAIRNWAL" format_version:fixed32(=1) file_number:fixed64
//   batch_rec   := record with type kBatch and payload = batch (grammar atop wal_batch.cc)
// Integers are little-endian. crc32c covers the type byte and the payload. length <= 2^30.
// A torn record at the tail of a file is ignored on replay; a bad record followed by more data is
// kDataLoss. See doc/format/wal.md.
#include "store/wal_writer.h"

#include "store/wal_format.h"
#include "store/wire.h"

namespace cairn {

Result<std::unique_ptr<WalWriter>> WalWriter::Create(Env* env, const std::string& dir,
                                                     const std::string& path, uint64_t number) {
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
  std::unique_ptr<WalWriter> w(new WalWriter(std::move(file), path, number));
  std::string header_payload(wal::kFileMagic);
  wire::PutFixed32(&header_payload, wal::kFormatVersion);
  wire::PutFixed64(&header_payload, number);
  std::string rec;
  wal::AppendRecord(&rec, wal::RecordType::kFileHeader, header_payload);
  RETURN_IF_ERROR(w->Write(rec));
  RETURN_IF_ERROR(env->SyncDir(dir).WithPrefix(dir + ": sync after creating " + path));
  return w;
}

WalWriter::~WalWriter() {
  if (file_ != nullptr) file_->Close().IgnoreError();  // only reachable after a failure or Close
}

Status WalWriter::Write(std::string_view records) {
  if (!error_.ok()) return error_;
  Status s = file_->Append(records);
  size_ += records.size();  // counted even on failure: some of it may have reached the file
  if (s.ok()) s = file_->Sync();
  if (!s.ok()) error_ = s.WithPrefix(path_ + ": WAL write");
  return error_;
}

Status WalWriter::Close() {
  if (file_ == nullptr) return error_;
  Status s = file_->Close();
  file_.reset();
  if (!error_.ok()) return error_;
  return s;
}

}  // namespace cairn
