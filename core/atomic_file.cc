#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace fb {
namespace {

std::runtime_error IoError(const std::string& what, const std::filesystem::path& path) {
  return std::runtime_error(what + " '" + path.string() + "': " + std::strerror(errno));
}

std::filesystem::path TempPathFor(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  // A dot prefix and a .tmp suffix keep half-written files recognisable and out of globs.
  return path.parent_path() / fmt::format(".{}.{}.{}.tmp", path.filename().string(), ::getpid(), counter++);
}

void EnsureParent(const std::filesystem::path& path) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
}

void PublishTemp(const std::filesystem::path& temp, const std::filesystem::path& path) {
  SyncPath(temp);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    auto error = IoError("cannot rename temporary file onto", path);
    std::filesystem::remove(temp);
    throw error;
  }
  SyncPath(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

}  // namespace

void SyncPath(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot open for fsync", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw IoError("cannot fsync", path);
}

void WriteFileAtomic(const std::filesystem::path& path, std::string_view contents) {
  AtomicFileWriter writer(path);
  writer.stream().write(contents.data(), static_cast<std::streamsize>(contents.size()));
  writer.Commit();
}

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path)
    : k_path_(std::move(path)), k_temp_path_(TempPathFor(k_path_)) {
  EnsureParent(k_path_);
  k_stream_.open(k_temp_path_, std::ios::binary | std::ios::trunc);
  if (!k_stream_) throw IoError("cannot create temporary file for", k_path_);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (k_committed_) return;
  k_stream_.close();
  std::error_code ignored;
  std::filesystem::remove(k_temp_path_, ignored);
}

void AtomicFileWriter::Commit() {
  k_stream_.flush();
  if (!k_stream_) throw IoError("cannot write", k_path_);
  k_stream_.close();
  PublishTemp(k_temp_path_, k_path_);
  k_committed_ = true;
}

}  // namespace fb
