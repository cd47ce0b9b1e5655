// The proprioceptive input of the learned policies, identical in training (from the demo
// file's ee_pos, ee_ori, gripper_states) and at run time (from the observation): per arm the
// end-effector position, its orientation as an axis-angle vector, then the finger joints.
#pragma once

#include <span>
#include <vector>

#include "envs/env.h"

namespace fb::policies {

std::vector<float> ProprioFeatures(const envs::Proprio& proprio);

// A ProprioFeatures row (positions 3 x arms, axis-angles 3 x arms, fingers) with each arm's
// orientation as the first two columns of its rotation matrix instead (positions, columns
// 6 x arms, fingers). An axis-angle vector flips sign where the rotation angle passes pi, and
// a gripper pointing straight down sits exactly there (a rotation by pi about a horizontal
// axis), so its values jump between two modes from one step to the next; the columns are
// continuous. model.proprio_orientation chooses which a policy sees.
std::vector<float> WithRotationColumns(std::span<const float> row, int arms);

}  // namespace fb::policies
