// Word-level vocabulary of instructions, built from the training demos: lower-cased words
// split on anything that is not a letter or digit. Words never seen in training (a held-out
// paraphrase's) map to the unknown id, so ood-language measures what it should.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace fb::policies {

class InstructionVocab final {
 public:
  static constexpr int64_t kPad = 0;
  static constexpr int64_t kUnknown = 1;

  // Words of `instructions`, sorted, after the two reserved ids.
  static InstructionVocab Build(const std::vector<std::string>& instructions);

  // `max_words` ids: the instruction's words (cut after max_words), then kPad.
  std::vector<int64_t> Encode(const std::string& instruction, int max_words) const;
  int64_t size() const { return static_cast<int64_t>(k_words_.size()) + 2; }
  const std::vector<std::string>& words() const { return k_words_; }

  nlohmann::json ToJson() const;
  // Throws fb::InputError naming `where` when the list is malformed.
  static InstructionVocab FromJson(const nlohmann::json& json, const std::string& where);

  static std::vector<std::string> SplitWords(const std::string& text);

 private:
  std::vector<std::string> k_words_;  // sorted, unique
};

}  // namespace fb::policies
