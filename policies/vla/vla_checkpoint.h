// A trained VLA policy on disk: a directory with manifest.json (format, version, policy
// kind, network settings, chunk shape, instruction vocabulary, proprio statistics, training
// record), model.pt (the weights) and tokenizer/ (the action tokenizer package it was
// trained with). `fasterbench train` writes it; the registered policies and `bench policy`
// load it. Uses LibTorch.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policies/vla/action_token_layout.h"
#include "policies/vla/instruction_vocab.h"
#include "policies/vla/object_tokens.h"
#include "policies/vla/vla_config.h"
#include "policies/vla/vla_net.h"
#include "tokenizers/tokenizer_package.h"

namespace fb::policies {

inline constexpr const char* kVlaFormat = "fasterbench-vla-policy";
inline constexpr int kVlaFormatVersion = 1;

// What a policy needs besides its weights and tokenizer.
struct VlaManifest {
  std::string kind;  // one of kVlaKinds
  VlaModelConfig model;
  int horizon = 0, dims = 0;
  std::string embodiment, action_space;
  int replan_interval = 0;  // the evaluation protocol's executed actions per chunk; 0 = not stated
  InstructionVocab vocab;
  std::vector<float> proprio_mean, proprio_std;
  // State modes: the object tokens' kind and colour names and their features' statistics
  // (kObjectFeatures each); empty in image mode.
  NameVocab object_kinds, object_colours;
  std::vector<float> object_token_mean, object_token_std;
  nlohmann::json training;  // steps, losses, validation metrics, data and config hashes
};

// A loaded policy; the layout follows from the manifest and the tokenizer.
struct VlaBundle {
  VlaManifest manifest;
  tokenizers::TokenizerPackage tokenizer;
  ActionTokenLayout layout;
  VlaNet net{nullptr};
};

// A fresh network for `manifest` with `layout`'s vocabularies.
VlaNet MakeVlaNet(const VlaManifest& manifest, const ActionTokenLayout& layout);

// Writes the directory atomically (a complete new one replaces any old one).
void SaveVlaPolicy(const std::filesystem::path& dir, const VlaManifest& manifest,
                   const tokenizers::TokenizerPackage& tokenizer, VlaNet& net);

// Loads a directory written by SaveVlaPolicy, in eval mode. Throws fb::InputError naming the
// file and key when anything is missing, of another format or version, of another kind than
// `expected_kind` (when not empty), or when the tokenizer does not match the manifest.
VlaBundle LoadVlaPolicy(const std::filesystem::path& dir, const std::string& expected_kind = "");

nlohmann::json ModelConfigToJson(const VlaModelConfig& config);
VlaModelConfig ModelConfigFromJson(const nlohmann::json& json, const std::string& where);

}  // namespace fb::policies
