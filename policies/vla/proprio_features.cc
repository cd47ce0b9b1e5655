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

std::vector<float> WithRotationColumns(std::span<const float> row, int arms) {
  const auto a = static_cast<size_t>(arms);
  std::vector<float> out(row.begin(), row.begin() + static_cast<ptrdiff_t>(3 * a));
  for (size_t arm = 0; arm < a; ++arm) {
    const double velocity[3] = {row[3 * a + 3 * arm], row[3 * a + 3 * arm + 1], row[3 * a + 3 * arm + 2]};
    double quat[4] = {1, 0, 0, 0}, matrix[9];
    const double angle = mju_norm3(velocity);
    if (angle > 1e-12) {
      const double axis[3] = {velocity[0] / angle, velocity[1] / angle, velocity[2] / angle};
      mju_axisAngle2Quat(quat, axis, angle);
    }
    mju_quat2Mat(matrix, quat);
    for (const int column : {0, 1}) {
      for (const int r : {0, 1, 2}) out.push_back(static_cast<float>(matrix[3 * r + column]));
    }
  }
  out.insert(out.end(), row.begin() + static_cast<ptrdiff_t>(6 * a), row.end());
  return out;
}

}  // namespace fb::policies
