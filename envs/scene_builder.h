// Builds a task's scene: the embodiment's robot and tabletop plus the task's objects, whose
// shapes are the MJCF body fragments in assets/objects/<kind>.xml.
#pragma once

#include <string>

#include "envs/embodiment_spec.h"
#include "envs/model_loader.h"
#include "envs/task_spec.h"

namespace fb::envs {

// MJCF <body> elements for every object of `task`, each a free body named after the object
// with its joint "<name>_joint". Throws fb::InputError when an object file cannot be read.
std::string ObjectBodiesXml(const TaskConfig& task);

// The compiled scene of `task` on `embodiment` (LoadModel with the object bodies). Throws
// fb::InputError naming the task on any load or compile error.
ModelPtr LoadTaskModel(const EmbodimentSpec& embodiment, const TaskConfig& task);

}  // namespace fb::envs
