#include "envs/object_state.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "envs/env.h"
#include "envs/scene_builder.h"

namespace fb::envs {

std::string NominalColour(const std::vector<double>& rgba) {
  const double r = rgba.size() > 0 ? rgba[0] : 0, g = rgba.size() > 1 ? rgba[1] : 0, b = rgba.size() > 2 ? rgba[2] : 0;
  const double high = std::max({r, g, b}), low = std::min({r, g, b});
  const double saturation = high > 0 ? (high - low) / high : 0;
  if (saturation < 0.35) return high > 0.72 ? "white" : high < 0.2 ? "black" : "gray";
  double hue = 0;  // degrees
  const double span = high - low;
  if (high == r) {
    hue = 60 * std::fmod((g - b) / span + 6, 6.0);
  } else if (high == g) {
    hue = 60 * ((b - r) / span + 2);
  } else {
    hue = 60 * ((r - g) / span + 4);
  }
  if (hue < 15 || hue >= 340) return "red";
  if (hue < 45) return high < 0.6 ? "brown" : "orange";
  if (hue < 70) return "yellow";
  if (hue < 165) return "green";
  if (hue < 195) return "cyan";
  if (hue < 255) return "blue";
  if (hue < 295) return "purple";
  return "pink";
}

std::vector<ObjectState> ObserveObjects(const EnvSpec& spec, const double* qpos) {
  const mjModel* m = spec.model();
  std::vector<ObjectState> out;
  auto add = [&](const std::string& name, const std::string& kind, const std::vector<double>& rgba, int qpos_adr,
                 int joint) {
    ObjectState& o = out.emplace_back();
    o.name = name;
    o.kind = kind;
    o.colour = NominalColour(rgba);
    std::copy(qpos + qpos_adr, qpos + qpos_adr + 3, o.pos);
    std::copy(qpos + qpos_adr + 3, qpos + qpos_adr + 7, o.quat);
    o.joint = joint >= 0 ? qpos[m->jnt_qposadr[joint]] : 0.0;
  };
  for (int i = 0; i < spec.num_objects(); ++i) {
    const ObjectConfig& object = spec.task().objects[static_cast<size_t>(i)];
    add(object.name, object.kind, object.rgba, spec.object_qpos_adr(i), spec.object_joint(i));
  }
  // Parked distractors rest on the floor, far below the table top.
  constexpr double kBelowTable = 0.1;
  const auto& distractors = Distractors();
  for (int k = 0; k < spec.num_distractors(); ++k) {
    if (qpos[spec.distractor_qpos_adr(k) + 2] < spec.table_z() - kBelowTable) continue;
    const DistractorConfig& d = distractors[static_cast<size_t>(k)];
    add(d.name, d.kind, std::vector<double>(d.rgba.begin(), d.rgba.end()), spec.distractor_qpos_adr(k), -1);
  }
  std::sort(out.begin(), out.end(), [](const ObjectState& a, const ObjectState& b) {
    return std::tie(a.kind, a.colour, a.name) < std::tie(b.kind, b.colour, b.name);
  });
  return out;
}

}  // namespace fb::envs
