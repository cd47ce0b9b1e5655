#include "eval/run_log.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.h"

namespace fb::eval {
namespace {

struct Parsed {
  std::vector<nlohmann::json> records;
  std::uintmax_t complete_bytes = 0;  // length of the prefix holding whole lines
};

Parsed Parse(const std::filesystem::path& path) {
  Parsed parsed;
  std::ifstream in(path, std::ios::binary);
  if (!in) return parsed;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    ++line_number;
    const size_t end = text.find('\n', start);
    const bool last = end == std::string::npos || end + 1 >= text.size();
    if (end == std::string::npos) break;  // torn: no newline
    const std::string line = text.substr(start, end - start);
    if (!line.empty()) {
      try {
        parsed.records.push_back(nlohmann::json::parse(line));
      } catch (const nlohmann::json::parse_error& e) {
        if (last) break;  // torn last line
        throw InputError(fmt::format("{}:{}: malformed record ({}); only a torn last line is skipped",
                                     path.string(), line_number, e.what()));
      }
    }
    start = end + 1;
    parsed.complete_bytes = start;
  }
  return parsed;
}

}  // namespace

std::vector<nlohmann::json> ReadRunLog(const std::filesystem::path& path) { return Parse(path).records; }

RunLog::RunLog(std::filesystem::path path) : k_path_(std::move(path)) {
  if (k_path_.has_parent_path()) std::filesystem::create_directories(k_path_.parent_path());
  Parsed parsed = Parse(k_path_);
  if (std::filesystem::exists(k_path_) && std::filesystem::file_size(k_path_) != parsed.complete_bytes) {
    std::filesystem::resize_file(k_path_, parsed.complete_bytes);  // drop the torn tail
  }
  k_records_ = std::move(parsed.records);
  for (const auto& record : k_records_) {
    if (record.contains("key") && record["key"].is_string()) k_keys_.insert(record["key"].get<std::string>());
  }
  k_file_ = std::fopen(k_path_.c_str(), "ab");
  if (k_file_ == nullptr) {
    throw std::runtime_error(fmt::format("cannot open '{}' for appending: {}", k_path_.string(), std::strerror(errno)));
  }
}

RunLog::~RunLog() {
  if (k_file_ != nullptr) std::fclose(k_file_);
}

void RunLog::Append(const nlohmann::json& record) {
  if (!record.contains("key") || !record["key"].is_string()) throw InputError("run log record without a string \"key\"");
  const std::string key = record["key"].get<std::string>();
  if (Contains(key)) throw InputError(fmt::format("{}: episode '{}' is already logged", k_path_.string(), key));
  const std::string line = record.dump() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), k_file_) != line.size() || std::fflush(k_file_) != 0 ||
      ::fsync(::fileno(k_file_)) != 0) {
    throw std::runtime_error(fmt::format("cannot append to '{}': {}", k_path_.string(), std::strerror(errno)));
  }
  k_records_.push_back(record);
  k_keys_.insert(key);
}

}  // namespace fb::eval
