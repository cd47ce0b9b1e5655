#include "tokenizers/tokenizer_package.h"

#include <unistd.h>

#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/version.h"
#include "tokenizers/registry.h"

namespace fb::tokenizers {
namespace fs = std::filesystem;

TokenIds TokenizerPackage::EncodeRaw(std::span<const float> raw_chunk, int h, int d) const {
  std::vector<float> normalized(raw_chunk.begin(), raw_chunk.end());
  normalizer.Normalize(normalized);
  return tokenizer->Encode(normalized, h, d);
}

Decoded TokenizerPackage::DecodeRaw(std::span<const int32_t> ids, int h, int d) const {
  Decoded decoded = tokenizer->Decode(ids, h, d);
  normalizer.Denormalize(decoded.actions);
  return decoded;
}

namespace {

// A hidden, process-unique sibling of `dir`: ".<name>.<role>-<pid>".
fs::path SiblingPath(const fs::path& dir, const char* role) {
  return dir.parent_path() / fmt::format(".{}.{}-{}", dir.filename().string(), role, ::getpid());
}

}  // namespace

void SavePackage(const fs::path& dir, const TokenizerPackage& package) {
  // Build the whole directory beside the target, then swap it in, so a reader never
  // sees a manifest without its data files.
  const fs::path staging = SiblingPath(dir, "staging");
  fs::remove_all(staging);
  fs::create_directories(staging);
  try {
    nlohmann::json manifest = {
        {"format", "fasterbench.tokenizer"},
        {"format_version", kPackageFormatVersion},
        {"fasterbench_version", kVersion},
        {"name", package.name},
        {"type", package.tokenizer->type()},
        {"vocab_size", package.tokenizer->vocab_size()},
        {"horizon", package.horizon},
        {"dims", package.dims},
        {"normalizer", package.normalizer.ToJson()},
        {"tokenizer", package.tokenizer->Save(staging)},
    };
    WriteFileAtomic(staging / "manifest.json", manifest.dump(2) + "\n");
    const fs::path old = SiblingPath(dir, "old");
    if (fs::exists(dir)) fs::rename(dir, old);
    fs::rename(staging, dir);
    fs::remove_all(old);
  } catch (...) {
    fs::remove_all(staging);
    throw;
  }
}

namespace {

TokenizerPackage LoadReferenceFast(const fs::path& dir) {
  TokenizerPackage package;
  package.name = dir.filename().string();
  package.tokenizer = FindTokenizer("fast").load(dir, nlohmann::json::object());
  const auto processor = ReadJsonFile(dir / "processor_config.json");
  auto optional_int = [&](const char* key) {
    return processor.contains(key) && processor[key].is_number_integer() ? processor[key].get<int>() : 0;
  };
  package.horizon = optional_int("time_horizon");
  package.dims = optional_int("action_dim");
  return package;
}

}  // namespace

TokenizerPackage LoadPackage(const fs::path& dir) {
  const fs::path manifest_path = dir / "manifest.json";
  if (!fs::exists(manifest_path)) {
    if (fs::exists(dir / "tokenizer.json") && fs::exists(dir / "processor_config.json")) {
      return LoadReferenceFast(dir);
    }
    throw InputError("'" + dir.string() +
                     "' is not a tokenizer directory: no manifest.json (ours) and no "
                     "tokenizer.json + processor_config.json (reference FAST)");
  }
  const auto manifest = ReadJsonFile(manifest_path);
  const std::string where = manifest_path.string();
  TokenizerPackage package;
  try {
    if (manifest.at("format").get<std::string>() != "fasterbench.tokenizer") {
      throw InputError(where + ": format is not 'fasterbench.tokenizer'");
    }
    const int version = manifest.at("format_version").get<int>();
    if (version != kPackageFormatVersion) {
      throw InputError(where + ": format_version " + std::to_string(version) + " is not supported (this build reads " +
                       std::to_string(kPackageFormatVersion) + ")");
    }
    package.name = manifest.at("name").get<std::string>();
    package.horizon = manifest.at("horizon").get<int>();
    package.dims = manifest.at("dims").get<int>();
    package.normalizer = Normalizer::FromJson(manifest.at("normalizer"), where);
    package.tokenizer = FindTokenizer(manifest.at("type").get<std::string>()).load(dir, manifest.at("tokenizer"));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where + ": " + e.what());
  }
  if (package.normalizer.kind() != "none" && package.dims != 0 && package.normalizer.dims() != package.dims) {
    throw InputError(where + ": normalizer has " + std::to_string(package.normalizer.dims()) +
                     " dims but the manifest says dims " + std::to_string(package.dims));
  }
  return package;
}

}  // namespace fb::tokenizers
