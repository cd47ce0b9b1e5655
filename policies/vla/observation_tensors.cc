#include "policies/vla/observation_tensors.h"

#include <cstring>
#include <string>

#include "core/error.h"
#include "policies/vla/proprio_features.h"

namespace fb::policies {
namespace {

void CopyImage(const envs::RgbImage& image, const char* camera, int size, uint8_t* out) {
  if (image.pixels.empty()) {
    throw InputError(std::string("VLA policy: the observation has no ") + camera +
                     " image (the policy reads agent-view and wrist cameras)");
  }
  if (image.width != size || image.height != size ||
      image.pixels.size() != static_cast<size_t>(size) * static_cast<size_t>(size) * 3) {
    throw InputError(std::string("VLA policy: the ") + camera + " image is " + std::to_string(image.width) + "x" +
                     std::to_string(image.height) + " but the policy was trained on " + std::to_string(size) + "x" +
                     std::to_string(size));
  }
  std::memcpy(out, image.pixels.data(), image.pixels.size());
}

}  // namespace

void FillObjectTokens(const std::vector<envs::ObjectState>& objects, const float* eef, const VlaManifest& manifest,
                      float* features, int64_t* kinds, int64_t* colours, const std::string& where) {
  const int max_objects = manifest.model.max_objects;
  if (objects.size() > static_cast<size_t>(max_objects)) {
    throw InputError(where + ": " + std::to_string(objects.size()) + " objects on the table, but the policy has " +
                     std::to_string(max_objects) + " object tokens (model.max_objects)");
  }
  for (size_t i = 0; i < objects.size(); ++i) {
    const envs::ObjectState& o = objects[i];
    const float raw[envs::kObjectStateValues] = {
        static_cast<float>(o.pos[0]),  static_cast<float>(o.pos[1]),  static_cast<float>(o.pos[2]),
        static_cast<float>(o.quat[0]), static_cast<float>(o.quat[1]), static_cast<float>(o.quat[2]),
        static_cast<float>(o.quat[3]), static_cast<float>(o.joint)};
    float* out = features + i * kObjectFeatures;
    ObjectFeatures(raw, eef, out);
    for (int k = 0; k < kObjectFeatures; ++k) {
      out[k] = (out[k] - manifest.object_token_mean[static_cast<size_t>(k)]) / manifest.object_token_std[static_cast<size_t>(k)];
    }
    kinds[i] = manifest.object_kinds.Id(o.kind);
    colours[i] = manifest.object_colours.Id(o.colour);
  }
}

PrefixInputs MakeObservationTensors(const envs::Observation& observation, const VlaManifest& manifest) {
  const int size = manifest.model.image_size;
  PrefixInputs tensors;
  if (manifest.model.uses_images()) {
    tensors.images = torch::empty({1, 2, size, size, 3}, torch::kUInt8);
    uint8_t* pixels = tensors.images.data_ptr<uint8_t>();
    CopyImage(observation.agentview, "agent-view", size, pixels);
    if (observation.wrist.empty()) CopyImage({}, "wrist", size, pixels);
    CopyImage(observation.wrist.front(), "wrist", size, pixels + static_cast<ptrdiff_t>(size) * size * 3);
  }
  if (manifest.model.uses_objects()) {
    const int64_t m = manifest.model.max_objects;
    tensors.objects = torch::zeros({1, m, kObjectFeatures}, torch::kFloat32);
    tensors.object_kinds = torch::zeros({1, m}, torch::kInt64);
    tensors.object_colours = torch::zeros({1, m}, torch::kInt64);
    if (observation.proprio.eef_pos.size() < 3) throw InputError("VLA policy: the observation has no end-effector position");
    const float eef[3] = {static_cast<float>(observation.proprio.eef_pos[0]),
                          static_cast<float>(observation.proprio.eef_pos[1]),
                          static_cast<float>(observation.proprio.eef_pos[2])};
    FillObjectTokens(observation.objects, eef, manifest, tensors.objects.data_ptr<float>(),
                     tensors.object_kinds.data_ptr<int64_t>(), tensors.object_colours.data_ptr<int64_t>(),
                     "VLA policy");
  }

  const auto words = manifest.vocab.Encode(observation.instruction, manifest.model.max_words);
  tensors.words = torch::tensor(words, torch::kInt64).view({1, -1});

  std::vector<float> proprio = ProprioFeatures(observation.proprio);
  if (manifest.model.proprio_orientation == "rotation_columns") {
    proprio = WithRotationColumns(proprio, static_cast<int>(observation.proprio.eef_pos.size() / 3));
  }
  if (proprio.size() != manifest.proprio_mean.size()) {
    throw InputError("VLA policy: the observation gives " + std::to_string(proprio.size()) +
                     " proprio values (end-effector pose, gripper) but the policy was trained on " +
                     std::to_string(manifest.proprio_mean.size()));
  }
  for (size_t i = 0; i < proprio.size(); ++i) proprio[i] = (proprio[i] - manifest.proprio_mean[i]) / manifest.proprio_std[i];
  tensors.proprio = torch::tensor(proprio, torch::kFloat32).view({1, -1});
  return tensors;
}

}  // namespace fb::policies
