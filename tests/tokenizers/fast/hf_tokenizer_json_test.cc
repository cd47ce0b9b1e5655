#include "tokenizers/fast/hf_tokenizer_json.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tests/tokenizers/fast/hand_built_tokenizer.h"

namespace fb::tokenizers {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::HandBuiltTokenizerJson;
using testing::TempDir;

TEST(HfTokenizerJsonTest, BothMergeNotationsGiveTheSameModel) {
  const BpeModel strings = ParseHfTokenizerJson(HandBuiltTokenizerJson(false), "a.json");
  const BpeModel pairs = ParseHfTokenizerJson(HandBuiltTokenizerJson(true), "b.json");
  EXPECT_EQ(strings, pairs);
  EXPECT_EQ(strings.size(), 264);
  EXPECT_EQ(strings.merges().size(), 8u);
}

TEST(HfTokenizerJsonTest, SaveThenParseRoundTrips) {
  const BpeModel model = ParseHfTokenizerJson(HandBuiltTokenizerJson(true), "a.json");
  const std::string text = HfTokenizerJsonText(model);
  EXPECT_EQ(ParseHfTokenizerJson(text, "saved.json"), model);
  // HF layout: keys and values the Python loader expects.
  const auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc["version"], "1.0");
  EXPECT_EQ(doc["pre_tokenizer"]["type"], "ByteLevel");
  EXPECT_EQ(doc["pre_tokenizer"]["add_prefix_space"], false);
  EXPECT_EQ(doc["decoder"]["type"], "ByteLevel");
  EXPECT_EQ(doc["post_processor"]["trim_offsets"], false);
  EXPECT_EQ(doc["model"]["type"], "BPE");
  EXPECT_TRUE(doc["model"]["unk_token"].is_null());
  EXPECT_EQ(doc["model"]["vocab"]["Å¢Å¢"], 257);
  EXPECT_EQ(doc["model"]["merges"][1], "Å¢ Å¢");
  // Vocabulary written in id order, like HF's OrderedVocabIter.
  EXPECT_LT(text.find("\"!\": 0"), text.find("\"Å¢\": 256"));
}

// Replaces the first occurrence of `from` in the hand-built JSON.
std::string Corrupt(const std::string& from, const std::string& to) {
  std::string text = HandBuiltTokenizerJson(false);
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

void ExpectLoadError(const std::string& text, const std::string& key, const std::string& what) {
  TempDir dir("json_err");
  const auto path = dir.Write("tokenizer.json", text);
  try {
    LoadHfTokenizerJson(path);
    ADD_FAILURE() << "no error for " << key;
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr(path.string()), HasSubstr(key), HasSubstr(what)));
  }
}

TEST(HfTokenizerJsonTest, CorruptFilesNameFileAndKey) {
  ExpectLoadError("{\"version\": \"1.0\", ", "not valid JSON", "parse");
  ExpectLoadError("[1, 2]", "(root)", "object");
  ExpectLoadError(Corrupt("\"Å¢ Å¢\"", "\"Å¢ Zz\""), "model.merges[1]", "\"Zz\" is not in model.vocab");
}

TEST(HfTokenizerJsonTest, RejectsUnsupportedOrInconsistentContent) {
  ExpectLoadError(Corrupt("\"Å¢Å¢\": 257", "\"Å¢Å¢\": 256"), "model.vocab", "one-to-one");
  ExpectLoadError(Corrupt("\"Å¢Å¢\": 257", "\"Å¢Å¢\": 999"), "model.vocab", "outside [0, 264)");
  ExpectLoadError(Corrupt("\"Å¢Å¢\": 257", "\"Å¢Å¢\": \"x\""), "model.vocab", "integer id");
  ExpectLoadError(Corrupt("\"type\": \"BPE\"", "\"type\": \"WordPiece\""), "model.type", "\"WordPiece\"");
  ExpectLoadError(Corrupt("\"pre_tokenizer\": {\"type\": \"ByteLevel\"", "\"pre_tokenizer\": {\"type\": \"Whitespace\""),
                  "pre_tokenizer.type", "ByteLevel");
  ExpectLoadError(Corrupt("\"add_prefix_space\": false", "\"add_prefix_space\": true"),
                  "pre_tokenizer.add_prefix_space", "only false");
  ExpectLoadError(Corrupt("\"added_tokens\": []", "\"added_tokens\": [{\"id\": 0}]"), "added_tokens", "must be empty");
  ExpectLoadError(Corrupt("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}"), "normalizer", "must be null");
  ExpectLoadError(Corrupt("\"unk_token\": null", "\"unk_token\": \"<unk>\""), "model.unk_token", "must be null");
  ExpectLoadError(Corrupt("\"dropout\": null", "\"dropout\": 0.1"), "model.dropout", "must be null");
  ExpectLoadError(Corrupt("\"byte_fallback\": false", "\"byte_fallback\": true"), "model.byte_fallback", "not supported");
  ExpectLoadError(Corrupt("\"decoder\": {\"type\": \"ByteLevel\"", "\"decoder\": {\"type\": \"BPEDecoder\""),
                  "decoder.type", "ByteLevel");
  ExpectLoadError(Corrupt("\"version\": \"1.0\"", "\"version\": \"2.0\""), "version", "1.0");
  ExpectLoadError(Corrupt("\"Å ¢\"", "\"Å¢\""), "model.merges[0]", "exactly one space");
  ExpectLoadError(Corrupt("\"Å ¢\"", "\"5 5\""), "model.merges[0]", "merged piece \"55\"");
}

TEST(HfTokenizerJsonTest, MissingFileNamesPath) {
  try {
    LoadHfTokenizerJson("/nonexistent/dir/tokenizer.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/dir/tokenizer.json"));
  }
}

TEST(ProcessorConfigTest, ParsesFastPlusAndWritesReferenceKeys) {
  const ProcessorConfig config = ParseProcessorConfig(
      R"({"action_dim": null, "min_token": -354, "scale": 10, "time_horizon": null, "vocab_size": 2048,
          "processor_class": "UniversalActionProcessor"})",
      "processor_config.json");
  EXPECT_EQ(config.scale, 10.0);
  EXPECT_EQ(config.vocab_size, 2048);
  EXPECT_EQ(config.min_token, -354);
  EXPECT_FALSE(config.time_horizon.has_value());
  const auto doc = nlohmann::json::parse(ProcessorConfigText(config));
  EXPECT_EQ(doc["scale"], 10);
  EXPECT_TRUE(doc["scale"].is_number_integer());
  EXPECT_EQ(doc["min_token"], -354);
  EXPECT_EQ(doc["vocab_size"], 2048);
  EXPECT_TRUE(doc["action_dim"].is_null());
  EXPECT_EQ(doc["processor_class"], "UniversalActionProcessor");
  ProcessorConfig shaped = config;
  shaped.time_horizon = 20;
  shaped.action_dim = 7;
  shaped.scale = 12.5;
  const ProcessorConfig back = ParseProcessorConfig(ProcessorConfigText(shaped), "p.json");
  EXPECT_EQ(back.time_horizon, 20);
  EXPECT_EQ(back.action_dim, 7);
  EXPECT_EQ(back.scale, 12.5);
}

TEST(ProcessorConfigTest, RejectsMissingOrBadKeys) {
  const auto error = [](const std::string& text) {
    try {
      ParseProcessorConfig(text, "dir/processor_config.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error(R"({"scale": 10, "vocab_size": 1024})"), AllOf(HasSubstr("dir/processor_config.json"), HasSubstr("min_token: missing")));
  EXPECT_THAT(error(R"({"scale": "10", "vocab_size": 1024, "min_token": 0})"), HasSubstr("scale: expected a number"));
  EXPECT_THAT(error(R"({"scale": 0, "vocab_size": 1024, "min_token": 0})"), HasSubstr("scale: must be"));
  EXPECT_THAT(error(R"({"scale": 10, "vocab_size": 1024, "min_token": 0.5})"), HasSubstr("min_token: expected an integer"));
  EXPECT_THAT(error(R"({"scale": 10, "vocab_size": 1024, "min_token": 0, "action_dim": -1})"), HasSubstr("action_dim"));
  EXPECT_THAT(error("nope"), HasSubstr("not valid JSON"));
}

}  // namespace
}  // namespace fb::tokenizers
