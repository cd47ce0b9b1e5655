// NumPy .npy files: read format 1.0 and 2.0, write 1.0. Little-endian float32, float64,
// int32 and int64 in C order only, which is what numpy.save writes on every common host.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace fb::data {

enum class NpyDtype { kFloat32, kFloat64, kInt32, kInt64 };

// "<f4", "<f8", "<i4", "<i8": the descr string numpy writes for each dtype.
const char* NpyDescr(NpyDtype dtype);

// A loaded array. Values are widened to double whatever the stored dtype, so callers
// need one code path; this is exact except for int64 magnitudes above 2^53.
struct NpyArray {
  std::vector<int64_t> shape;  // empty for a 0-d (scalar) array
  NpyDtype dtype = NpyDtype::kFloat64;  // as stored in the file
  std::vector<double> values;  // (product of shape), C order

  int64_t size() const { return static_cast<int64_t>(values.size()); }
};

// Reads `path`. Throws fb::InputError naming the file (and the header field where one
// is at fault) for a missing file, bad magic, unknown version, unsupported descr,
// big-endian data, fortran_order True, a malformed header, or a data size that does
// not match the shape (truncated or trailing bytes).
NpyArray ReadNpy(const std::filesystem::path& path);

// Writes a C-order little-endian array in format 1.0, atomically (fb::AtomicFileWriter).
// Throws fb::InputError naming the file when a dimension is negative or the product of
// `shape` differs from values.size(); std::runtime_error on I/O failure.
void WriteNpyFloat32(const std::filesystem::path& path, std::span<const int64_t> shape,
                     std::span<const float> values);
void WriteNpyFloat64(const std::filesystem::path& path, std::span<const int64_t> shape,
                     std::span<const double> values);

}  // namespace fb::data
