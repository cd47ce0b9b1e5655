#include "policies/vla/instruction_vocab.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::policies {

std::vector<std::string> InstructionVocab::SplitWords(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

InstructionVocab InstructionVocab::Build(const std::vector<std::string>& instructions) {
  InstructionVocab vocab;
  for (const auto& instruction : instructions) {
    for (auto& word : SplitWords(instruction)) vocab.k_words_.push_back(std::move(word));
  }
  std::sort(vocab.k_words_.begin(), vocab.k_words_.end());
  vocab.k_words_.erase(std::unique(vocab.k_words_.begin(), vocab.k_words_.end()), vocab.k_words_.end());
  return vocab;
}

std::vector<int64_t> InstructionVocab::Encode(const std::string& instruction, int max_words) const {
  std::vector<int64_t> ids(static_cast<size_t>(max_words), kPad);
  const auto words = SplitWords(instruction);
  for (size_t i = 0; i < words.size() && i < ids.size(); ++i) {
    const auto it = std::lower_bound(k_words_.begin(), k_words_.end(), words[i]);
    ids[i] = it != k_words_.end() && *it == words[i] ? 2 + (it - k_words_.begin()) : kUnknown;
  }
  return ids;
}

nlohmann::json InstructionVocab::ToJson() const { return k_words_; }

InstructionVocab InstructionVocab::FromJson(const nlohmann::json& json, const std::string& where) {
  if (!json.is_array()) throw InputError(where + ": expected a list of words");
  InstructionVocab vocab;
  for (const auto& word : json) {
    if (!word.is_string()) throw InputError(where + ": expected a list of words, found " + word.dump());
    vocab.k_words_.push_back(word.get<std::string>());
  }
  if (!std::is_sorted(vocab.k_words_.begin(), vocab.k_words_.end())) throw InputError(where + ": words are not sorted");
  return vocab;
}

}  // namespace fb::policies
