// The proprioceptive input of the learned policies, identical in training (from the demo
// file's ee_pos, ee_ori, gripper_states) and at run time (from the observation): per arm the
// end-effector position, its orientation as an axis-angle vector, then the finger joints.
#pragma once

#include <vector>

#include "envs/env.h"

namespace fb::policies {

std::vector<float> ProprioFeatures(const envs::Proprio& proprio);

}  // namespace fb::policies
