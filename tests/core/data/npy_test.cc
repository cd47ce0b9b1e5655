#include "core/data/npy.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "tests/support/scratch_dir.h"

namespace fb::data {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// A hand-built .npy: magic, version, little-endian header length, header, data.
std::string NpyBytes(int major, const std::string& dict, const std::string& data) {
  std::string header = dict + "\n";
  std::string bytes = "\x93NUMPY";
  bytes += static_cast<char>(major);
  bytes += '\0';
  const int length_bytes = major == 1 ? 2 : 4;
  for (int i = 0; i < length_bytes; ++i) bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return bytes + header + data;
}

template <typename T>
std::string Raw(const std::vector<T>& values) {
  std::string data(values.size() * sizeof(T), '\0');
  std::memcpy(data.data(), values.data(), data.size());
  return data;
}

void WriteBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(NpyTest, Float32RoundTrip) {
  testing::ScratchDir dir;
  const std::vector<int64_t> shape = {2, 3};
  const std::vector<float> values = {0.5f, -1.25f, 3.0f, 1e-7f, std::numeric_limits<float>::max(), -0.0f};
  WriteNpyFloat32(dir / "a.npy", shape, values);
  const NpyArray array = ReadNpy(dir / "a.npy");
  EXPECT_EQ(array.dtype, NpyDtype::kFloat32);
  EXPECT_THAT(array.shape, ElementsAre(2, 3));
  ASSERT_EQ(array.size(), 6);
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(static_cast<float>(array.values[i]), values[i]);
}

TEST(NpyTest, Float64RoundTripAndAlignedHeader) {
  testing::ScratchDir dir;
  const std::vector<int64_t> shape = {4};
  const std::vector<double> values = {0.1, -2.5e300, 3.0, 1.0 / 3.0};
  WriteNpyFloat64(dir / "b.npy", shape, values);
  const NpyArray array = ReadNpy(dir / "b.npy");
  EXPECT_EQ(array.dtype, NpyDtype::kFloat64);
  EXPECT_THAT(array.shape, ElementsAre(4));
  EXPECT_THAT(array.values, ElementsAre(0.1, -2.5e300, 3.0, 1.0 / 3.0));
  // numpy's layout: the data starts on a 64-byte boundary.
  EXPECT_EQ(std::filesystem::file_size(dir / "b.npy") % 64, (4 * sizeof(double)) % 64);
}

TEST(NpyTest, ScalarAndEmptyArrays) {
  testing::ScratchDir dir;
  const std::vector<float> one = {7.0f};
  WriteNpyFloat32(dir / "s.npy", {}, one);
  EXPECT_TRUE(ReadNpy(dir / "s.npy").shape.empty());
  EXPECT_THAT(ReadNpy(dir / "s.npy").values, ElementsAre(7.0));
  const std::vector<int64_t> empty_shape = {0, 7};
  WriteNpyFloat32(dir / "e.npy", empty_shape, {});
  EXPECT_THAT(ReadNpy(dir / "e.npy").shape, ElementsAre(0, 7));
  EXPECT_EQ(ReadNpy(dir / "e.npy").size(), 0);
}

TEST(NpyTest, ReadsIntegersAndVersion2) {
  testing::ScratchDir dir;
  WriteBytes(dir / "i4.npy", NpyBytes(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }",
                                      Raw<int32_t>({-1, 0, 2147483647})));
  EXPECT_THAT(ReadNpy(dir / "i4.npy").values, ElementsAre(-1.0, 0.0, 2147483647.0));
  WriteBytes(dir / "i8.npy", NpyBytes(2, "{\"descr\": \"<i8\", \"fortran_order\": False, \"shape\": (1, 2)}",
                                      Raw<int64_t>({-5, int64_t{1} << 40})));
  const NpyArray array = ReadNpy(dir / "i8.npy");
  EXPECT_EQ(array.dtype, NpyDtype::kInt64);
  EXPECT_THAT(array.shape, ElementsAre(1, 2));
  EXPECT_THAT(array.values, ElementsAre(-5.0, 1099511627776.0));
}

TEST(NpyTest, RejectsBadMagicAndMissingFile) {
  testing::ScratchDir dir;
  WriteBytes(dir / "bad.npy", "PK\x03\x04 not numpy at all");
  EXPECT_THAT([&] { ReadNpy(dir / "bad.npy"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("bad.npy"), HasSubstr("bad magic"))));
  EXPECT_THAT([&] { ReadNpy(dir / "missing.npy"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("missing.npy"), HasSubstr("cannot open"))));
}

TEST(NpyTest, RejectsTruncatedDataAndHeader) {
  testing::ScratchDir dir;
  const std::string full = NpyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
                                    Raw<float>({1, 2, 3, 4}));
  WriteBytes(dir / "t.npy", full.substr(0, full.size() - 3));
  EXPECT_THAT([&] { ReadNpy(dir / "t.npy"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("t.npy"), HasSubstr("(2, 2)"), HasSubstr("truncated"))));
  WriteBytes(dir / "h.npy", full.substr(0, 20));
  EXPECT_THAT([&] { ReadNpy(dir / "h.npy"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("h.npy"), HasSubstr("truncated header"))));
  WriteBytes(dir / "x.npy", full + "junk");
  EXPECT_THAT([&] { ReadNpy(dir / "x.npy"); }, ThrowsMessage<InputError>(HasSubstr("x.npy")));
}

TEST(NpyTest, RejectsAbsurdShapeWithoutOverflow) {
  testing::ScratchDir dir;
  WriteBytes(dir / "big.npy", NpyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (999999999999, 999999999999), }",
                                       Raw<double>({1.0})));
  EXPECT_THAT([&] { ReadNpy(dir / "big.npy"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("big.npy"), HasSubstr("more than 8"))));
}

TEST(NpyTest, RejectsFortranOrderAndBigEndianNamingTheField) {
  testing::ScratchDir dir;
  WriteBytes(dir / "f.npy", NpyBytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", Raw<float>({1})));
  EXPECT_THAT([&] { ReadNpy(dir / "f.npy"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("f.npy"), HasSubstr("'fortran_order' is True"))));
  WriteBytes(dir / "be.npy", NpyBytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", Raw<float>({1})));
  EXPECT_THAT([&] { ReadNpy(dir / "be.npy"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("be.npy"), HasSubstr("'descr' is big-endian"))));
  WriteBytes(dir / "u8.npy", NpyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", "x"));
  EXPECT_THAT([&] { ReadNpy(dir / "u8.npy"); }, ThrowsMessage<InputError>(HasSubstr("'descr' is '|u1'")));
  WriteBytes(dir / "v3.npy", NpyBytes(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Raw<float>({1})));
  EXPECT_THAT([&] { ReadNpy(dir / "v3.npy"); }, ThrowsMessage<InputError>(HasSubstr("version 3")));
  WriteBytes(dir / "ns.npy", NpyBytes(1, "{'descr': '<f4', 'fortran_order': False, }", Raw<float>({1})));
  EXPECT_THAT([&] { ReadNpy(dir / "ns.npy"); }, ThrowsMessage<InputError>(HasSubstr("no 'shape' field")));
}

TEST(NpyTest, WriterRejectsShapeSizeMismatchAndLeavesNoFile) {
  testing::ScratchDir dir;
  const std::vector<int64_t> shape = {2, 3};
  const std::vector<float> values(5, 1.0f);
  EXPECT_THAT([&] { WriteNpyFloat32(dir / "m.npy", shape, values); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("m.npy"), HasSubstr("(2, 3) holds 6 values but 5"))));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace fb::data
