// The append-only episode log of an evaluation run (<out>/episodes.jsonl): one JSON object
// per line, each line written and fsync'd as a whole, so a killed run loses at most the
// episode it was writing. Reading skips a torn last line (and cuts it off before appending);
// a rerun skips every episode whose key is already logged.
#pragma once

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fb::eval {

// The complete records of `path`, in order; a last line without its newline or that does not
// parse is skipped (a torn write). Returns {} when the file does not exist. Throws
// fb::InputError naming the file and line for a malformed line before the last.
std::vector<nlohmann::json> ReadRunLog(const std::filesystem::path& path);

class RunLog final {
 public:
  // Opens `path` for appending, creating it (and its directory) when missing. Reads the
  // records already there and truncates a torn last line. Records must carry a string
  // "key". Throws like ReadRunLog, or std::runtime_error naming the path on I/O failure.
  explicit RunLog(std::filesystem::path path);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  const std::filesystem::path& path() const { return k_path_; }
  // Records read at opening plus those appended since, in order.
  const std::vector<nlohmann::json>& records() const { return k_records_; }
  bool Contains(const std::string& key) const { return k_keys_.count(key) > 0; }

  // Appends `record` as one line and fsyncs. Throws fb::InputError when its "key" is
  // missing or already logged; std::runtime_error on I/O failure.
  void Append(const nlohmann::json& record);

 private:
  std::filesystem::path k_path_;
  std::FILE* k_file_ = nullptr;
  std::vector<nlohmann::json> k_records_;
  std::set<std::string> k_keys_;
};

}  // namespace fb::eval
