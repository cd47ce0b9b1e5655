#include "policies/remote/msgpack_numpy.h"

#include <bit>
#include <cstring>
#include <limits>
#include <sstream>

#define MSGPACK_NO_BOOST
#include <msgpack.hpp>

namespace fb::policies::remote {
namespace {

static_assert(std::endian::native == std::endian::little, "ndarray buffers are exchanged little-endian");

constexpr std::string_view kNdarrayKey = "__ndarray__";
constexpr std::string_view kNpgenericKey = "__npgeneric__";
constexpr size_t kMaxDepth = 64;

using Packer = msgpack::packer<msgpack::sbuffer>;

template <class T>
NdArray FromValues(std::span<const T> values, std::vector<int64_t> shape, std::string dtype) {
  NdArray array{std::move(dtype), std::move(shape), {}};
  if (ElementCount(array) != static_cast<int64_t>(values.size())) {
    throw std::invalid_argument("MakeArray: " + std::to_string(values.size()) + " values do not fill the shape");
  }
  array.data.assign(reinterpret_cast<const char*>(values.data()), values.size_bytes());
  return array;
}

// Bytes per element of a numpy dtype string ("<f4" -> 4, "<U3" -> 12), or 0 when malformed.
int64_t ItemSize(const std::string& dtype) {
  if (dtype.size() < 3 || std::string_view("<>|=").find(dtype[0]) == std::string_view::npos) return 0;
  int64_t size = 0;
  for (size_t i = 2; i < dtype.size(); ++i) {
    if (dtype[i] < '0' || dtype[i] > '9' || size > 1'000'000) return 0;
    size = size * 10 + (dtype[i] - '0');
  }
  return dtype[1] == 'U' ? 4 * size : size;
}

void PackString(Packer& packer, std::string_view text) {
  packer.pack_str(static_cast<uint32_t>(text.size()));
  packer.pack_str_body(text.data(), static_cast<uint32_t>(text.size()));
}

void PackBin(Packer& packer, std::string_view bytes) {
  packer.pack_bin(static_cast<uint32_t>(bytes.size()));
  packer.pack_bin_body(bytes.data(), static_cast<uint32_t>(bytes.size()));
}

// Always float64 (0xcb), as Python packs a float: msgpack-c's pack_double would write 1.0 as
// the integer 1.
void PackFloat64(msgpack::sbuffer& buffer, double value) {
  const auto bits = std::bit_cast<uint64_t>(value);
  char bytes[9] = {static_cast<char>(0xcb)};
  for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  buffer.write(bytes, sizeof(bytes));
}

void PackValue(Packer& packer, msgpack::sbuffer& buffer, const Value& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          packer.pack_nil();
        } else if constexpr (std::is_same_v<T, bool>) {
          v ? packer.pack_true() : packer.pack_false();
        } else if constexpr (std::is_same_v<T, int64_t>) {
          packer.pack_int64(v);
        } else if constexpr (std::is_same_v<T, double>) {
          PackFloat64(buffer, v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          PackString(packer, v);
        } else if constexpr (std::is_same_v<T, Bytes>) {
          PackBin(packer, v.data);
        } else if constexpr (std::is_same_v<T, NdArray>) {
          packer.pack_map(4);
          PackBin(packer, kNdarrayKey);
          packer.pack_true();
          PackBin(packer, "data");
          PackBin(packer, v.data);
          PackBin(packer, "dtype");
          PackString(packer, v.dtype);
          PackBin(packer, "shape");
          packer.pack_array(static_cast<uint32_t>(v.shape.size()));
          for (int64_t d : v.shape) packer.pack_int64(d);
        } else if constexpr (std::is_same_v<T, std::vector<Value>>) {
          packer.pack_array(static_cast<uint32_t>(v.size()));
          for (const Value& element : v) PackValue(packer, buffer, element);
        } else {
          packer.pack_map(static_cast<uint32_t>(v.size()));
          for (const auto& [key, element] : v) {
            PackString(packer, key);
            PackValue(packer, buffer, element);
          }
        }
      },
      value.v);
}

std::string_view KeyText(const msgpack::object& key) {
  if (key.type == msgpack::type::STR) return {key.via.str.ptr, key.via.str.size};
  if (key.type == msgpack::type::BIN) return {key.via.bin.ptr, key.via.bin.size};
  throw MalformedMessage("msgpack map key is not a string (msgpack type " + std::to_string(key.type) + ")");
}

const msgpack::object* Entry(const msgpack::object_map& map, std::string_view key) {
  for (uint32_t i = 0; i < map.size; ++i) {
    if (KeyText(map.ptr[i].key) == key) return &map.ptr[i].val;
  }
  return nullptr;
}

NdArray ToNdArray(const msgpack::object_map& map) {
  const msgpack::object* data = Entry(map, "data");
  const msgpack::object* dtype = Entry(map, "dtype");
  const msgpack::object* shape = Entry(map, "shape");
  if (!data || data->type != msgpack::type::BIN) throw MalformedMessage("ndarray without a bin 'data' entry");
  if (!dtype || dtype->type != msgpack::type::STR) throw MalformedMessage("ndarray without a str 'dtype' entry");
  if (!shape || shape->type != msgpack::type::ARRAY) throw MalformedMessage("ndarray without a 'shape' list");
  NdArray array;
  array.dtype.assign(dtype->via.str.ptr, dtype->via.str.size);
  const int64_t item_size = ItemSize(array.dtype);
  if (item_size == 0) throw MalformedMessage("ndarray with malformed dtype '" + array.dtype + "'");
  int64_t count = 1;
  for (uint32_t i = 0; i < shape->via.array.size; ++i) {
    const msgpack::object& d = shape->via.array.ptr[i];
    if (d.type != msgpack::type::POSITIVE_INTEGER || d.via.u64 > (1ULL << 40)) {
      throw MalformedMessage("ndarray shape entry " + std::to_string(i) + " is not a dimension size");
    }
    array.shape.push_back(static_cast<int64_t>(d.via.u64));
    count *= array.shape.back();
    if (count > (int64_t{1} << 40)) throw MalformedMessage("ndarray shape is implausibly large");
  }
  if (static_cast<int64_t>(data->via.bin.size) != count * item_size) {
    throw MalformedMessage("ndarray data holds " + std::to_string(data->via.bin.size) + " bytes; dtype " +
                           array.dtype + " and the shape need " + std::to_string(count * item_size));
  }
  array.data.assign(data->via.bin.ptr, data->via.bin.size);
  return array;
}

Value FromObject(const msgpack::object& object) {
  switch (object.type) {
    case msgpack::type::NIL: return {nullptr};
    case msgpack::type::BOOLEAN: return {object.via.boolean};
    case msgpack::type::POSITIVE_INTEGER:
      if (object.via.u64 > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return {static_cast<double>(object.via.u64)};
      }
      return {static_cast<int64_t>(object.via.u64)};
    case msgpack::type::NEGATIVE_INTEGER: return {object.via.i64};
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return {object.via.f64};
    case msgpack::type::STR: return {std::string(object.via.str.ptr, object.via.str.size)};
    case msgpack::type::BIN: return {Bytes{std::string(object.via.bin.ptr, object.via.bin.size)}};
    case msgpack::type::ARRAY: {
      std::vector<Value> values;
      values.reserve(object.via.array.size);
      for (uint32_t i = 0; i < object.via.array.size; ++i) values.push_back(FromObject(object.via.array.ptr[i]));
      return {std::move(values)};
    }
    case msgpack::type::MAP: {
      const msgpack::object_map& map = object.via.map;
      if (Entry(map, kNdarrayKey)) return {ToNdArray(map)};
      if (Entry(map, kNpgenericKey)) {
        const msgpack::object* data = Entry(map, "data");
        if (!data) throw MalformedMessage("numpy scalar without a 'data' entry");
        return FromObject(*data);
      }
      ValueMap values;
      values.reserve(map.size);
      for (uint32_t i = 0; i < map.size; ++i) {
        values.emplace_back(std::string(KeyText(map.ptr[i].key)), FromObject(map.ptr[i].val));
      }
      return {std::move(values)};
    }
    default: throw MalformedMessage("unsupported msgpack type " + std::to_string(object.type) + " (ext)");
  }
}

template <class T>
void AppendAs(const NdArray& array, std::vector<double>& out) {
  const size_t count = array.data.size() / sizeof(T);
  for (size_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, array.data.data() + i * sizeof(T), sizeof(T));
    out.push_back(static_cast<double>(v));
  }
}

void DescribeInto(const Value& value, std::string& out) {
  constexpr size_t kShown = 8;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          out += "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          out += std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          std::ostringstream text;
          text << v;
          out += text.str();
        } else if constexpr (std::is_same_v<T, std::string>) {
          out += "'" + (v.size() > 60 ? v.substr(0, 60) + "..." : v) + "'";
        } else if constexpr (std::is_same_v<T, Bytes>) {
          out += "bytes[" + std::to_string(v.data.size()) + "]";
        } else if constexpr (std::is_same_v<T, NdArray>) {
          out += "ndarray " + v.dtype + " [";
          for (size_t i = 0; i < v.shape.size(); ++i) out += (i ? ", " : "") + std::to_string(v.shape[i]);
          out += "]";
        } else if constexpr (std::is_same_v<T, std::vector<Value>>) {
          out += "[";
          for (size_t i = 0; i < v.size() && i < kShown; ++i) {
            if (i) out += ", ";
            DescribeInto(v[i], out);
          }
          out += v.size() > kShown ? ", ...]" : "]";
        } else {
          out += "{";
          for (size_t i = 0; i < v.size() && i < kShown; ++i) {
            out += (i ? ", " : "") + v[i].first + ": ";
            DescribeInto(v[i].second, out);
          }
          out += v.size() > kShown ? ", ...}" : "}";
        }
      },
      value.v);
}

}  // namespace

NdArray MakeArray(std::span<const float> values, std::vector<int64_t> shape) {
  return FromValues(values, std::move(shape), "<f4");
}
NdArray MakeArray(std::span<const double> values, std::vector<int64_t> shape) {
  return FromValues(values, std::move(shape), "<f8");
}
NdArray MakeArray(std::span<const uint8_t> values, std::vector<int64_t> shape) {
  return FromValues(values, std::move(shape), "|u1");
}

int64_t ElementCount(const NdArray& array) {
  int64_t count = 1;
  for (int64_t d : array.shape) count *= d;
  return count;
}

std::vector<double> ToDoubles(const NdArray& array) {
  std::vector<double> out;
  out.reserve(static_cast<size_t>(ElementCount(array)));
  const std::string& t = array.dtype;
  const bool little = !t.empty() && (t[0] == '<' || t[0] == '|' || t[0] == '=');
  const std::string_view kind = little ? std::string_view(t).substr(1) : std::string_view();
  if (kind == "f4") {
    AppendAs<float>(array, out);
  } else if (kind == "f8") {
    AppendAs<double>(array, out);
  } else if (kind == "u1" || kind == "b1") {  // numpy bools are one byte, 0 or 1
    AppendAs<uint8_t>(array, out);
  } else if (kind == "i1") {
    AppendAs<int8_t>(array, out);
  } else if (kind == "i2") {
    AppendAs<int16_t>(array, out);
  } else if (kind == "u2") {
    AppendAs<uint16_t>(array, out);
  } else if (kind == "i4") {
    AppendAs<int32_t>(array, out);
  } else if (kind == "u4") {
    AppendAs<uint32_t>(array, out);
  } else if (kind == "i8") {
    AppendAs<int64_t>(array, out);
  } else if (kind == "u8") {
    AppendAs<uint64_t>(array, out);
  } else {
    throw MalformedMessage("ndarray dtype '" + t + "' is not a little-endian number type");
  }
  return out;
}

std::string Pack(const Value& value) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  PackValue(packer, buffer, value);
  return std::string(buffer.data(), buffer.size());
}

Value Unpack(std::string_view bytes) {
  // Counts are bounded by the message size anyway; the limits stop a few header bytes from
  // claiming billions of elements before the shortfall is noticed.
  const size_t count_limit = bytes.size() + 1;
  const msgpack::unpack_limit limit(count_limit, count_limit, bytes.size(), bytes.size(), bytes.size(), kMaxDepth);
  size_t offset = 0;
  msgpack::object_handle handle;
  try {
    handle = msgpack::unpack(bytes.data(), bytes.size(), offset, nullptr, nullptr, limit);
  } catch (const msgpack::unpack_error& e) {
    throw MalformedMessage(std::string("not a msgpack message (") + e.what() + ")");
  }
  if (offset != bytes.size()) {
    throw MalformedMessage(std::to_string(bytes.size() - offset) + " bytes after the msgpack message");
  }
  return FromObject(handle.get());
}

const Value* Find(const ValueMap& map, std::string_view key) {
  for (const auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string Describe(const Value& value) {
  std::string out;
  DescribeInto(value, out);
  return out;
}

}  // namespace fb::policies::remote
