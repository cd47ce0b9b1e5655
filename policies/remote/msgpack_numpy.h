// openpi's wire format: msgpack values in which numpy arrays travel as maps
// {__ndarray__: true, data: <bin>, dtype: "<f4", shape: [..]} (openpi_client/msgpack_numpy.py).
// Packs the way msgpack-python 1.1 with use_bin_type=True does: the four ndarray marker keys
// as bin, every other string as str, floats as float64. Unpacking accepts either key form.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace fb::policies::remote {

// Bytes that are not valid msgpack, or an ndarray map that is inconsistent (bad dtype string,
// data size != shape x item size).
class MalformedMessage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NdArray {
  std::string dtype;           // numpy dtype.str: "<f4", "<f8", "|u1", "<i8", ...
  std::vector<int64_t> shape;  // row-major; {} for a 0-d array
  std::string data;            // (elements x item size) raw bytes, C order
};

// msgpack bin that is not an ndarray.
struct Bytes {
  std::string data;
};

struct Value;
using ValueMap = std::vector<std::pair<std::string, Value>>;  // insertion order, as Python dicts

struct Value {
  std::variant<std::nullptr_t, bool, int64_t, double, std::string, Bytes, NdArray, std::vector<Value>, ValueMap> v;
};

NdArray MakeArray(std::span<const float> values, std::vector<int64_t> shape);    // "<f4"
NdArray MakeArray(std::span<const double> values, std::vector<int64_t> shape);   // "<f8"
NdArray MakeArray(std::span<const uint8_t> values, std::vector<int64_t> shape);  // "|u1"

// Product of the shape.
int64_t ElementCount(const NdArray& array);

// The array's elements converted to double, for dtypes <f4 <f8 |u1 |i1 <i2 <i4 <i8 <u2 <u4 <u8
// |b1. Throws MalformedMessage naming any other dtype (big-endian, strings, ...).
std::vector<double> ToDoubles(const NdArray& array);

// `value` encoded as one msgpack object.
std::string Pack(const Value& value);

// Decodes one msgpack object, rebuilding ndarray maps (and numpy scalar maps, as their plain
// value). Throws MalformedMessage for truncated or trailing bytes, non-string map keys,
// nesting deeper than 64 or an inconsistent ndarray.
Value Unpack(std::string_view bytes);

// The entry `key` of `map`, or nullptr.
const Value* Find(const ValueMap& map, std::string_view key);

// A short human-readable rendering for logs and error messages, e.g.
// {actions: ndarray <f8 [10, 7], policy_timing: {infer_ms: 12.5}}; long strings, lists and
// maps are elided after a few elements.
std::string Describe(const Value& value);

}  // namespace fb::policies::remote
