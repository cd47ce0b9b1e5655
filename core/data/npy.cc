#include "core/data/npy.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "core/atomic_file.h"
#include "core/error.h"

namespace fb::data {
namespace {

// Raw bytes are memcpy'd into host values; a big-endian host would need byte swaps.
static_assert(std::endian::native == std::endian::little, "npy I/O assumes a little-endian host");

constexpr std::string_view kMagic = "\x93NUMPY";

[[noreturn]] void Fail(const std::filesystem::path& path, const std::string& what) {
  throw InputError("npy file '" + path.string() + "': " + what);
}

int ItemSize(NpyDtype dtype) { return dtype == NpyDtype::kFloat32 || dtype == NpyDtype::kInt32 ? 4 : 8; }

std::string_view SkipSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

// The text after `'key':` in the header dict; the header is a Python literal, so keys
// may be quoted either way.
std::string_view ValueOf(std::string_view header, std::string_view key, const std::filesystem::path& path) {
  for (const char quote : {'\'', '"'}) {
    const std::string quoted = quote + std::string(key) + quote;
    const size_t at = header.find(quoted);
    if (at == std::string_view::npos) continue;
    std::string_view rest = SkipSpace(header.substr(at + quoted.size()));
    if (rest.empty() || rest.front() != ':') break;
    return SkipSpace(rest.substr(1));
  }
  Fail(path, "header has no '" + std::string(key) + "' field: " + std::string(header));
}

NpyDtype ParseDescr(std::string_view value, const std::filesystem::path& path) {
  if (value.size() < 2 || (value.front() != '\'' && value.front() != '"')) Fail(path, "malformed header field 'descr'");
  const std::string descr(value.substr(1, value.find(value.front(), 1) - 1));
  for (NpyDtype dtype : {NpyDtype::kFloat32, NpyDtype::kFloat64, NpyDtype::kInt32, NpyDtype::kInt64}) {
    if (descr == NpyDescr(dtype)) return dtype;
  }
  if (!descr.empty() && descr.front() == '>') {
    Fail(path, "header field 'descr' is big-endian ('" + descr + "'); re-save with arr.astype(arr.dtype.newbyteorder('<'))");
  }
  Fail(path, "header field 'descr' is '" + descr + "'; supported: <f4, <f8, <i4, <i8");
}

std::vector<int64_t> ParseShape(std::string_view value, const std::filesystem::path& path) {
  if (value.empty() || value.front() != '(') Fail(path, "malformed header field 'shape'");
  const size_t close = value.find(')');
  if (close == std::string_view::npos) Fail(path, "malformed header field 'shape'");
  std::string_view inner = value.substr(1, close - 1);
  std::vector<int64_t> shape;
  while (!(inner = SkipSpace(inner)).empty()) {
    size_t digits = 0;
    while (digits < inner.size() && std::isdigit(static_cast<unsigned char>(inner[digits]))) ++digits;
    if (digits == 0 || digits > 18) Fail(path, "malformed header field 'shape': (" + std::string(value.substr(1, close - 1)) + ")");
    shape.push_back(std::stoll(std::string(inner.substr(0, digits))));
    inner = SkipSpace(inner.substr(digits));
    if (!inner.empty() && inner.front() == ',') inner.remove_prefix(1);
  }
  return shape;
}

template <typename T>
void Decode(const char* bytes, std::vector<double>& out) {
  for (size_t i = 0; i < out.size(); ++i) {
    T value;
    std::memcpy(&value, bytes + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(value);
  }
}

std::string ShapeTuple(std::span<const int64_t> shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

template <typename T>
void WriteNpy(const std::filesystem::path& path, std::span<const int64_t> shape, std::span<const T> values,
              NpyDtype dtype) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) Fail(path, "negative dimension in shape " + ShapeTuple(shape));
    count *= dim;
  }
  if (count != static_cast<int64_t>(values.size())) {
    Fail(path, "shape " + ShapeTuple(shape) + " holds " + std::to_string(count) + " values but " +
                   std::to_string(values.size()) + " were given");
  }
  std::string header = std::string("{'descr': '") + NpyDescr(dtype) +
                       "', 'fortran_order': False, 'shape': " + ShapeTuple(shape) + ", }";
  // numpy pads the header with spaces so the data starts on a 64-byte boundary.
  const size_t unpadded = kMagic.size() + 4 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xffff) Fail(path, "shape " + ShapeTuple(shape) + " is too long for an npy 1.0 header");

  AtomicFileWriter writer(path);
  std::ostream& out = writer.stream();
  out << kMagic << '\x01' << '\x00';
  out.put(static_cast<char>(header.size() & 0xff)).put(static_cast<char>(header.size() >> 8));
  out << header;
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size_bytes()));
  writer.Commit();
}

}  // namespace

const char* NpyDescr(NpyDtype dtype) {
  switch (dtype) {
    case NpyDtype::kFloat32: return "<f4";
    case NpyDtype::kFloat64: return "<f8";
    case NpyDtype::kInt32: return "<i4";
    case NpyDtype::kInt64: return "<i8";
  }
  return "?";
}

NpyArray ReadNpy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail(path, "cannot open");
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) Fail(path, "read error");

  if (file.size() < kMagic.size() + 2 || std::string_view(file).substr(0, kMagic.size()) != kMagic) {
    Fail(path, "bad magic: not a NumPy .npy file");
  }
  const auto major = static_cast<unsigned char>(file[kMagic.size()]);
  if (major != 1 && major != 2) Fail(path, "unsupported format version " + std::to_string(major) + ".x (need 1.0 or 2.0)");
  const size_t len_bytes = major == 1 ? 2 : 4;
  const size_t len_at = kMagic.size() + 2;
  if (file.size() < len_at + len_bytes) Fail(path, "truncated header");
  size_t header_len = 0;
  for (size_t i = 0; i < len_bytes; ++i) header_len |= size_t{static_cast<unsigned char>(file[len_at + i])} << (8 * i);
  const size_t data_at = len_at + len_bytes + header_len;
  if (file.size() < data_at) Fail(path, "truncated header");
  const std::string_view header = std::string_view(file).substr(len_at + len_bytes, header_len);

  NpyArray array;
  array.dtype = ParseDescr(ValueOf(header, "descr", path), path);
  const std::string_view fortran = ValueOf(header, "fortran_order", path);
  if (fortran.starts_with("True")) Fail(path, "header field 'fortran_order' is True; save a C-order array (np.ascontiguousarray)");
  if (!fortran.starts_with("False")) Fail(path, "malformed header field 'fortran_order'");
  array.shape = ParseShape(ValueOf(header, "shape", path), path);

  const size_t item = static_cast<size_t>(ItemSize(array.dtype));
  const size_t available = file.size() - data_at;
  // Counting stops once the shape outgrows the bytes present, so absurd shapes cannot overflow.
  const bool empty = std::find(array.shape.begin(), array.shape.end(), 0) != array.shape.end();
  size_t count = empty ? 0 : 1;
  bool exceeds = false;
  for (size_t i = 0; i < array.shape.size() && !empty && !exceeds; ++i) {
    const auto dim = static_cast<size_t>(array.shape[i]);
    if (count > available / item / dim) exceeds = true;
    else count *= dim;
  }
  if (exceeds || count * item != available) {
    Fail(path, "shape " + ShapeTuple(array.shape) + " of " + NpyDescr(array.dtype) + " needs " +
                   (exceeds ? "more than " + std::to_string(available) : std::to_string(count * item)) +
                   " data bytes but the file has " + std::to_string(available) + " (truncated or corrupt)");
  }
  array.values.resize(count);
  const char* bytes = file.data() + data_at;
  switch (array.dtype) {
    case NpyDtype::kFloat32: Decode<float>(bytes, array.values); break;
    case NpyDtype::kFloat64: Decode<double>(bytes, array.values); break;
    case NpyDtype::kInt32: Decode<int32_t>(bytes, array.values); break;
    case NpyDtype::kInt64: Decode<int64_t>(bytes, array.values); break;
  }
  return array;
}

void WriteNpyFloat32(const std::filesystem::path& path, std::span<const int64_t> shape, std::span<const float> values) {
  WriteNpy(path, shape, values, NpyDtype::kFloat32);
}

void WriteNpyFloat64(const std::filesystem::path& path, std::span<const int64_t> shape, std::span<const double> values) {
  WriteNpy(path, shape, values, NpyDtype::kFloat64);
}

}  // namespace fb::data
