#include "policies/remote/msgpack_numpy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fb::policies::remote {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Bytes from hex digits; spaces are ignored.
std::string FromHex(const std::string& spaced) {
  std::string hex;
  for (char c : spaced) {
    if (c != ' ') hex.push_back(c);
  }
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

const NdArray& AsArray(const Value& value) { return std::get<NdArray>(value.v); }
const ValueMap& AsMap(const Value& value) { return std::get<ValueMap>(value.v); }

TEST(MsgpackNumpyTest, Float32ArrayPacksAsMsgpackPythonDoes) {
  // np.array([1.0, 2.0], dtype=np.float32) through openpi's packer (interop.md, 1.4): the
  // four marker keys are bin, the dtype is str.
  const std::vector<float> values = {1.0f, 2.0f};
  EXPECT_EQ(Pack({MakeArray(std::span<const float>(values), {2})}),
            FromHex("84 c40b5f5f6e6461727261795f5f c3 c40464617461 c408 0000803f00000040"
                    " c405 6474797065 a3 3c6634 c405 7368617065 9102"));
  // Python floats are always float64, even when integral.
  EXPECT_EQ(Pack({2.0}), FromHex("cb 4000000000000000"));
}

TEST(MsgpackNumpyTest, ArraysRoundTripWithDtypeAndShape) {
  const std::vector<float> f32 = {1.5f, -2.25f, 3.0f, 0.0f, 1e-3f, 7.0f};
  const std::vector<double> f64 = {0.1, -1e300, 42.0};
  const std::vector<uint8_t> u8 = {0, 1, 127, 128, 255, 9};
  const Value packed{ValueMap{{"f32", {MakeArray(std::span<const float>(f32), {2, 3})}},
                              {"f64", {MakeArray(std::span<const double>(f64), {3})}},
                              {"u8", {MakeArray(std::span<const uint8_t>(u8), {1, 2, 3})}}}};
  const Value unpacked = Unpack(Pack(packed));
  const ValueMap& map = AsMap(unpacked);
  ASSERT_EQ(map.size(), 3u);
  EXPECT_EQ(AsArray(map[0].second).dtype, "<f4");
  EXPECT_THAT(AsArray(map[0].second).shape, ElementsAre(2, 3));
  EXPECT_THAT(ToDoubles(AsArray(map[0].second)), ElementsAre(1.5, -2.25, 3.0, 0.0, double(1e-3f), 7.0));
  EXPECT_EQ(AsArray(map[1].second).dtype, "<f8");
  EXPECT_THAT(ToDoubles(AsArray(map[1].second)), ElementsAre(0.1, -1e300, 42.0));
  EXPECT_EQ(AsArray(map[2].second).dtype, "|u1");
  EXPECT_THAT(AsArray(map[2].second).shape, ElementsAre(1, 2, 3));
  EXPECT_THAT(ToDoubles(AsArray(map[2].second)), ElementsAre(0, 1, 127, 128, 255, 9));
}

TEST(MsgpackNumpyTest, NestedMapsAndScalarsRoundTrip) {
  const Value packed{ValueMap{{"prompt", {std::string("put the red block on the plate")}},
                              {"timing", {ValueMap{{"infer_ms", {12.5}}, {"count", {int64_t{-3}}}}}},
                              {"list", {std::vector<Value>{{true}, {nullptr}, {int64_t{70000}}}}},
                              {"raw", {Bytes{std::string("\x00\x01", 2)}}}}};
  const Value unpacked = Unpack(Pack(packed));
  EXPECT_EQ(Describe(unpacked), Describe(packed));
  const ValueMap& timing = AsMap(*Find(AsMap(unpacked), "timing"));
  EXPECT_EQ(std::get<double>(Find(timing, "infer_ms")->v), 12.5);
  EXPECT_EQ(std::get<int64_t>(Find(timing, "count")->v), -3);
  EXPECT_EQ(std::get<std::string>(Find(AsMap(unpacked), "prompt")->v), "put the red block on the plate");
  EXPECT_EQ(std::get<Bytes>(Find(AsMap(unpacked), "raw")->v).data, std::string("\x00\x01", 2));
  EXPECT_EQ(Find(AsMap(unpacked), "missing"), nullptr);
}

TEST(MsgpackNumpyTest, DecodesAReplyWrittenByPythonMsgpack) {
  // msgpack.packb({"actions": np.array([[0.5, -1.0]]), "server_timing": {"infer_ms": 2.0},
  //                "flag": np.float32(1.5)}, default=pack_array, use_bin_type=True)
  const std::string reply = FromHex(
      "83"
      "a7 616374696f6e73"                                        // "actions"
      "84 c40b 5f5f6e6461727261795f5f c3"                        // b"__ndarray__": True
      "c404 64617461 c410 000000000000e03f 000000000000f0bf"     // b"data": 16 bytes
      "c405 6474797065 a3 3c6638"                                // b"dtype": "<f8"
      "c405 7368617065 92 01 02"                                 // b"shape": [1, 2]
      "ad 7365727665725f74696d696e67"                            // "server_timing"
      "81 a8 696e6665725f6d73 cb 4000000000000000"               // {"infer_ms": 2.0}
      "a4 666c6167"                                              // "flag"
      "83 c40d 5f5f6e7067656e657269635f5f c3"                    // b"__npgeneric__": True
      "c404 64617461 cb 3ff8000000000000"                        // b"data": 1.5
      "c405 6474797065 a3 3c6634");                              // b"dtype": "<f4"
  const Value value = Unpack(reply);
  const ValueMap& map = AsMap(value);
  const NdArray& actions = AsArray(*Find(map, "actions"));
  EXPECT_EQ(actions.dtype, "<f8");
  EXPECT_THAT(actions.shape, ElementsAre(1, 2));
  EXPECT_THAT(ToDoubles(actions), ElementsAre(0.5, -1.0));
  EXPECT_EQ(std::get<double>(Find(AsMap(*Find(map, "server_timing")), "infer_ms")->v), 2.0);
  EXPECT_EQ(std::get<double>(Find(map, "flag")->v), 1.5);
  EXPECT_EQ(Describe(value), "{actions: ndarray <f8 [1, 2], server_timing: {infer_ms: 2}, flag: 1.5}");
}

TEST(MsgpackNumpyTest, AcceptsStrMarkerKeys) {
  // Other encoders (msgpack-numpy, older openpi clients) write the markers as str.
  const std::string bytes = FromHex("84 ab 5f5f6e6461727261795f5f c3 a4 64617461 c401 07 a5 6474797065 a3 7c7531 "
                                    "a5 7368617065 91 01");
  EXPECT_THAT(ToDoubles(AsArray(Unpack(bytes))), ElementsAre(7));
}

TEST(MsgpackNumpyTest, RejectsMalformedInput) {
  auto message = [](const std::string& hex) {
    try {
      Unpack(FromHex(hex));
    } catch (const MalformedMessage& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(message("84 c40b"), HasSubstr("not a msgpack message"));
  EXPECT_THAT(message("c0 c0"), HasSubstr("1 bytes after the msgpack message"));
  EXPECT_THAT(message("81 01 02"), HasSubstr("map key is not a string"));
  // data holds 3 bytes, but one <f4 needs 4
  EXPECT_THAT(message("84 c40b 5f5f6e6461727261795f5f c3 c404 64617461 c403 000000 c405 6474797065 a3 3c6634 "
                      "c405 7368617065 91 01"),
              HasSubstr("ndarray data holds 3 bytes; dtype <f4 and the shape need 4"));
  EXPECT_THAT(message("82 c40b 5f5f6e6461727261795f5f c3 c404 64617461 c400"), HasSubstr("str 'dtype'"));
  EXPECT_THAT(message("dd ffffffff"), HasSubstr("not a msgpack message"));  // a 4G-element array header
  const std::vector<uint8_t> text = {'a', 'b'};
  NdArray big_endian = MakeArray(std::span<const uint8_t>(text), {2});
  big_endian.dtype = ">i2";
  EXPECT_THROW(ToDoubles(big_endian), MalformedMessage);
}

}  // namespace
}  // namespace fb::policies::remote
