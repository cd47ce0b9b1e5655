#include "policies/vla/proprio_features.h"

#include <mujoco/mujoco.h>

namespace fb::policies {

std::vector<float> ProprioFeatures(const envs::Proprio& proprio) {
  std::vector<float> features;
  const size_t arms = proprio.eef_pos.size() / 3;
  for (size_t a = 0; a < arms; ++a) {
    for (size_t i = 0; i < 3; ++i) features.push_back(static_cast<float>(proprio.eef_pos[3 * a + i]));
  }
  for (size_t a = 0; a < arms; ++a) {
    double axis_angle[3];
    mju_quat2Vel(axis_angle, proprio.eef_quat.data() + 4 * a, 1.0);
    for (const double value : axis_angle) features.push_back(static_cast<float>(value));
  }
  for (const double value : proprio.gripper) features.push_back(static_cast<float>(value));
  return features;
}

}  // namespace fb::policies
