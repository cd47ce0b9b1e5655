#include "core/config/checks.h"

#include <algorithm>

namespace fb::config {
namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string NearestName(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const size_t d = EditDistance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  const std::string near = NearestName(name, candidates);
  return near.empty() ? std::string() : "; did you mean '" + near + "'?";
}

std::optional<std::string> OneOf::Violation(const std::string& value) const {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return std::nullopt;
  std::string message = "unknown value '" + value + "'";
  if (auto near = NearestName(value, allowed); !near.empty()) message += "; did you mean '" + near + "'?";
  message += " (allowed:";
  for (const auto& a : allowed) message += " " + a;
  return message + ")";
}

}  // namespace fb::config
