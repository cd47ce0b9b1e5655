#include "eval/shard.h"

#include <charconv>

#include <fmt/format.h>

#include "core/error.h"

namespace fb::eval {
namespace {

bool ParseInt(std::string_view text, int& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string Shard::ToString() const { return fmt::format("{}/{}", index, count); }

Shard ParseShard(const std::string& text) {
  const size_t slash = text.find('/');
  Shard shard;
  if (slash == std::string::npos || !ParseInt(std::string_view(text).substr(0, slash), shard.index) ||
      !ParseInt(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 || shard.index < 0 ||
      shard.index >= shard.count) {
    throw InputError(fmt::format("--shard '{}': expected i/N with 0 <= i < N, e.g. 0/4", text));
  }
  return shard;
}

std::filesystem::path ShardDir(const std::filesystem::path& out, const Shard& shard) {
  return out / fmt::format("shard-{}-of-{}", shard.index, shard.count);
}

}  // namespace fb::eval
