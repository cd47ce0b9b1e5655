#include "policies/vla/vla_checkpoint.h"

#include <unistd.h>

#include <sstream>
#include <type_traits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"

namespace fb::policies {
namespace fs = std::filesystem;
namespace {

struct JsonWriter {
  nlohmann::json& out;
  template <class T, class... Checks>
  void operator()(const char* key, T& field, const Checks&...) { out[key] = field; }
};

struct JsonReader {
  const nlohmann::json& in;
  const std::string& where;
  template <class T, class... Checks>
  void operator()(const char* key, T& field, const Checks&...) {
    if (!in.contains(key)) {
      if ((std::is_same_v<Checks, config::Optional> || ...)) return;  // keeps its in-class default
      throw InputError(where + ": missing key model." + key);
    }
    try {
      field = in.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
      throw InputError(where + ": model." + key + " has the wrong type: " + in.at(key).dump());
    }
  }
};

template <class T>
T Field(const nlohmann::json& json, const char* key, const std::string& where) {
  if (!json.contains(key)) throw InputError(where + ": missing key '" + key + "'");
  try {
    return json.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw InputError(where + ": '" + key + "' has the wrong type: " + json.at(key).dump());
  }
}

}  // namespace

nlohmann::json ModelConfigToJson(const VlaModelConfig& config) {
  nlohmann::json json = nlohmann::json::object();
  VlaModelConfig copy = config;
  JsonWriter writer{json};
  copy.Describe(writer);
  return json;
}

VlaModelConfig ModelConfigFromJson(const nlohmann::json& json, const std::string& where) {
  if (!json.is_object()) throw InputError(where + ": 'model' must be an object");
  VlaModelConfig config;
  JsonReader reader{json, where};
  config.Describe(reader);
  config.Validate();
  return config;
}

VlaNet MakeVlaNet(const VlaManifest& manifest, const ActionTokenLayout& layout) {
  return VlaNet(manifest.model, VlaVocabularies{manifest.vocab.size(), manifest.object_kinds.size(),
                                                manifest.object_colours.size(), layout.input_vocab(),
                                                layout.output_vocab()},
                static_cast<int>(manifest.proprio_mean.size()));
}

void SaveVlaPolicy(const fs::path& dir, const VlaManifest& manifest, const tokenizers::TokenizerPackage& tokenizer,
                   VlaNet& net) {
  const fs::path staging = dir.string() + ".staging-" + std::to_string(::getpid());
  fs::remove_all(staging);
  fs::create_directories(staging);
  tokenizers::SavePackage(staging / "tokenizer", tokenizer);
  torch::serialize::OutputArchive archive;
  net->save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  WriteFileAtomic(staging / "model.pt", bytes.str());
  nlohmann::json json = {{"format", kVlaFormat},
                               {"format_version", kVlaFormatVersion},
                               {"kind", manifest.kind},
                               {"model", ModelConfigToJson(manifest.model)},
                               {"horizon", manifest.horizon},
                               {"dims", manifest.dims},
                               {"embodiment", manifest.embodiment},
                               {"action_space", manifest.action_space},
                               {"replan_interval", manifest.replan_interval},
                               {"instruction_vocab", manifest.vocab.ToJson()},
                               {"proprio_mean", manifest.proprio_mean},
                               {"proprio_std", manifest.proprio_std},
                               {"training", manifest.training}};
  if (manifest.model.uses_objects()) {
    json["object_kinds"] = manifest.object_kinds.ToJson();
    json["object_colours"] = manifest.object_colours.ToJson();
    json["object_token_mean"] = manifest.object_token_mean;
    json["object_token_std"] = manifest.object_token_std;
  }
  WriteFileAtomic(staging / "manifest.json", json.dump(2) + "\n");
  const fs::path old = dir.string() + ".old-" + std::to_string(::getpid());
  if (fs::exists(dir)) fs::rename(dir, old);
  fs::rename(staging, dir);
  fs::remove_all(old);
  SyncPath(dir.parent_path().empty() ? fs::path(".") : dir.parent_path());
}

VlaBundle LoadVlaPolicy(const fs::path& dir, const std::string& expected_kind) {
  const fs::path manifest_path = dir / "manifest.json";
  if (!fs::is_regular_file(manifest_path)) {
    throw InputError("VLA policy '" + dir.string() + "': no manifest.json (expected a directory written by "
                     "`fasterbench train`)");
  }
  const nlohmann::json json = ReadJsonFile(manifest_path);
  const std::string where = manifest_path.string();
  if (Field<std::string>(json, "format", where) != kVlaFormat) {
    throw InputError(where + ": format is '" + json.at("format").get<std::string>() + "', expected '" + kVlaFormat + "'");
  }
  if (const int version = Field<int>(json, "format_version", where); version != kVlaFormatVersion) {
    throw InputError(where + ": format_version " + std::to_string(version) + " is not supported (this build reads " +
                     std::to_string(kVlaFormatVersion) + ")");
  }
  VlaManifest manifest;
  manifest.kind = Field<std::string>(json, "kind", where);
  if (!expected_kind.empty() && manifest.kind != expected_kind) {
    throw InputError(where + ": the checkpoint holds a '" + manifest.kind + "' policy, not '" + expected_kind +
                     "'; use policy name '" + manifest.kind + "' or another checkpoint");
  }
  manifest.model = ModelConfigFromJson(json.contains("model") ? json.at("model") : nlohmann::json(), where);
  manifest.horizon = Field<int>(json, "horizon", where);
  manifest.dims = Field<int>(json, "dims", where);
  manifest.embodiment = Field<std::string>(json, "embodiment", where);
  manifest.action_space = Field<std::string>(json, "action_space", where);
  manifest.replan_interval = json.value("replan_interval", 0);  // absent before the protocol was recorded
  manifest.vocab = InstructionVocab::FromJson(json.value("instruction_vocab", nlohmann::json()), where + ": instruction_vocab");
  manifest.proprio_mean = Field<std::vector<float>>(json, "proprio_mean", where);
  manifest.proprio_std = Field<std::vector<float>>(json, "proprio_std", where);
  if (manifest.proprio_mean.size() != manifest.proprio_std.size() || manifest.proprio_mean.empty()) {
    throw InputError(where + ": proprio_mean and proprio_std must be equally long and not empty");
  }
  if (manifest.model.uses_objects()) {
    manifest.object_kinds = NameVocab::FromJson(json.value("object_kinds", nlohmann::json()), where + ": object_kinds");
    manifest.object_colours =
        NameVocab::FromJson(json.value("object_colours", nlohmann::json()), where + ": object_colours");
    manifest.object_token_mean = Field<std::vector<float>>(json, "object_token_mean", where);
    manifest.object_token_std = Field<std::vector<float>>(json, "object_token_std", where);
    if (manifest.object_token_mean.size() != kObjectFeatures || manifest.object_token_std.size() != kObjectFeatures) {
      throw InputError(where + ": object_token_mean and object_token_std must hold " + std::to_string(kObjectFeatures) +
                       " values (one per object feature)");
    }
  }
  manifest.training = json.value("training", nlohmann::json::object());

  tokenizers::TokenizerPackage tokenizer = tokenizers::LoadPackage(dir / "tokenizer");
  if (tokenizer.horizon != manifest.horizon || tokenizer.dims != manifest.dims) {
    throw InputError(where + ": the policy acts in " + std::to_string(manifest.horizon) + "x" +
                     std::to_string(manifest.dims) + " chunks but its tokenizer (" + (dir / "tokenizer").string() +
                     ") was fitted on " + std::to_string(tokenizer.horizon) + "x" + std::to_string(tokenizer.dims));
  }
  ActionTokenLayout layout(tokenizer, manifest.horizon, manifest.dims, manifest.model.block_size,
                           manifest.model.max_action_tokens);
  VlaNet net = MakeVlaNet(manifest, layout);
  const fs::path model_path = dir / "model.pt";
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(model_path.string());
    net->load(archive);
  } catch (const c10::Error& e) {
    throw InputError("VLA policy weights '" + model_path.string() + "' do not load into the network the manifest "
                     "describes (or the tokenizer's vocabulary changed): " + e.what_without_backtrace());
  }
  net->eval();
  return VlaBundle{std::move(manifest), std::move(tokenizer), std::move(layout), net};
}

}  // namespace fb::policies
