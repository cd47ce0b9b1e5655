// Atomic file output: content goes to a temporary file beside the target, is fsync'd,
// then renamed over the target, so readers see either the old file or the whole new one.
#pragma once

#include <filesystem>
#include <fstream>
#include <string_view>

namespace fb {

// Writes `contents` to `path` atomically; creates missing parent directories.
// Throws std::runtime_error naming the path on any I/O failure.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view contents);

// Streams a large output to a temporary file; Commit() publishes it atomically.
// Destroying an uncommitted writer (an error, an interrupt) removes the temporary file
// and leaves any previous `path` untouched. Not copyable.
class AtomicFileWriter final {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  std::ostream& stream() { return k_stream_; }
  const std::filesystem::path& path() const { return k_path_; }

  // Flushes, fsyncs and renames the temporary file onto path(). Throws on failure.
  void Commit();

 private:
  std::filesystem::path k_path_;
  std::filesystem::path k_temp_path_;
  std::ofstream k_stream_;
  bool k_committed_ = false;
};

// fsyncs a file or directory by path; throws naming the path on failure.
void SyncPath(const std::filesystem::path& path);

}  // namespace fb
