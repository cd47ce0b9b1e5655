// Builds a task's scene: the embodiment's robot and tabletop plus the task's objects, whose
// shapes are the MJCF body fragments in assets/objects/<kind>.xml.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "envs/embodiment_spec.h"
#include "envs/model_loader.h"
#include "envs/task_spec.h"

namespace fb::envs {

// MJCF <body> elements for every object of `task`, each a free body named after the object
// with its joint "<name>_joint"; drawers and buttons start parked off the table. Throws fb::InputError when an object file cannot be read.
std::string ObjectBodiesXml(const TaskConfig& task);

// Distractor objects of the ood-distractor split. Design: every task model always contains
// them (one EnvSpec per (task, embodiment), no API change for callers), parked at rest on the
// floor behind the agent-view camera (x = 2.5 m, out of every camera's view and the robots'
// reach) through their XML pos, which is qpos0, so ResetToHome parks them. Splits other than
// ood-distractor never move them, so their objects, predicates and init-state files are as
// before; ood-distractor's init-state file records a pose for each (placed on the table, or the
// park pose when unused). Colours are used by no task object (yellow, purple).
struct DistractorConfig {
  std::string name;
  std::string kind;
  std::array<double, 4> rgba;
  std::array<double, 3> park;  // resting on the floor, behind the agent-view camera
};
const std::vector<DistractorConfig>& Distractors();

// MJCF <body> elements of Distractors() at their park poses.
std::string DistractorBodiesXml();

// The compiled scene of `task` on `embodiment` (LoadModel with the object and distractor bodies). Throws
// fb::InputError naming the task on any load or compile error.
ModelPtr LoadTaskModel(const EmbodimentSpec& embodiment, const TaskConfig& task);

}  // namespace fb::envs
