// What a state-observation policy sees of the objects on the table: every object in the scene
// (the task's and any placed distractor), each with its pose, its inner joint (a drawer's
// opening, a button's press) and the attributes an instruction can name: its kind and its
// nominal colour class. The list is sorted by (kind, colour, name), so its order says nothing
// about which objects the task uses. Collection records it and evaluation observes it through
// this one function, so training and evaluation see identical values.
#pragma once

#include <string>
#include <vector>

namespace fb::envs {

class EnvSpec;

struct ObjectState {
  std::string name;    // body name, e.g. "red_block"
  std::string kind;    // an assets/objects/<kind>.xml kind, e.g. "block"
  std::string colour;  // NominalColour of the object's configured (not rendered) colour
  double pos[3] = {0, 0, 0};       // world metres
  double quat[4] = {1, 0, 0, 0};   // w x y z
  double joint = 0;                // inner joint position (metres or radians); 0 for rigid objects
};

// Values per object in a recorded obs/object_states row: pos (3), quat (4), joint (1).
inline constexpr int kObjectStateValues = 8;

// The colour class of an RGBA colour ("red", "orange", "yellow", "green", "cyan", "blue",
// "purple", "pink", "brown", "white", "gray", "black"): a coarse hue class for saturated
// colours, a brightness class for unsaturated ones. Shades of one named colour share a class.
std::string NominalColour(const std::vector<double>& rgba);

// The objects on the table in the model state `qpos` (spec's model): the task's objects and the
// distractors an initial state placed on the table (parked ones are left out), sorted by
// (kind, colour, name). Collection calls it on recorded states, evaluation on the live ones.
std::vector<ObjectState> ObserveObjects(const EnvSpec& spec, const double* qpos);

}  // namespace fb::envs
