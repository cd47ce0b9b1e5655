// Value checks attached to config fields: each returns a description of the violation
// ("is out of range [1, 1000]") or nothing when the value is acceptable.
#pragma once

#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fb::config {

// Inclusive numeric range.
template <class T>
struct Range {
  T lo;
  T hi;
  template <class V>
  std::optional<std::string> Violation(const V& value) const {
    if (value >= lo && value <= hi) return std::nullopt;
    std::ostringstream out;
    out << "value " << value << " is out of range [" << lo << ", " << hi << "]";
    return out.str();
  }
};
template <class T>
Range(T, T) -> Range<T>;

// Inclusive lower bound.
template <class T>
struct AtLeast {
  T lo;
  template <class V>
  std::optional<std::string> Violation(const V& value) const {
    if (value >= lo) return std::nullopt;
    std::ostringstream out;
    out << "value " << value << " must be >= " << lo;
    return out.str();
  }
};

// Strictly positive number.
struct Positive {
  template <class V>
  std::optional<std::string> Violation(const V& value) const {
    if (value > 0) return std::nullopt;
    std::ostringstream out;
    out << "value " << value << " must be > 0";
    return out.str();
  }
};

// A string from a fixed set; the error suggests the closest member.
struct OneOf {
  std::vector<std::string> allowed;
  OneOf(std::initializer_list<std::string> values) : allowed(values) {}
  explicit OneOf(std::vector<std::string> values) : allowed(std::move(values)) {}
  std::optional<std::string> Violation(const std::string& value) const;
};

// A non-empty string or list.
struct NonEmpty {
  template <class V>
  std::optional<std::string> Violation(const V& value) const {
    if (!value.empty()) return std::nullopt;
    return std::string("must not be empty");
  }
};

// Marks a field that list elements may leave out (it keeps its in-class value). Every
// other field of a list element must be given, since an element has no defaults layer.
struct Optional {
  template <class V>
  std::optional<std::string> Violation(const V&) const {
    return std::nullopt;
  }
};

// Levenshtein-closest candidate within a typo's distance, or "" when none is close.
std::string NearestName(const std::string& name, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" with NearestName's answer, or "" when no candidate is close.
std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace fb::config
