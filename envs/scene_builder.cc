#include "envs/scene_builder.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.h"

namespace fb::envs {
namespace {

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string ReadObjectFile(const std::string& kind) {
  const std::filesystem::path path = AssetsDir() / "objects" / (kind + ".xml");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(fmt::format("cannot read object MJCF '{}' for kind '{}'; set FASTERBENCH_ASSETS to the "
                                 "assets directory if the source tree moved",
                                 path.string(), kind));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string ObjectBodiesXml(const TaskConfig& task) {
  std::string xml;
  int parked = 0;
  for (const ObjectConfig& object : task.objects) {
    std::string body = ReadObjectFile(object.kind);
    // Objects start (qpos0) at the world origin until placed. The many geoms of an articulated
    // one overlapping the others there would overflow the contact buffer in ResetToHome's
    // mj_forward, so they start parked on the floor behind the agent-view camera instead.
    if (object.kind == "drawer" || object.kind == "button") {
      ReplaceAll(body, "<body name=\"{name}\">",
                 fmt::format("<body name=\"{{name}}\" pos=\"3 {} 0\">", -0.6 + 0.4 * parked++));
    }
    ReplaceAll(body, "{name}", object.name);
    ReplaceAll(body, "{rgba}", fmt::format("{} {} {} {}", object.rgba[0], object.rgba[1], object.rgba[2],
                                           object.rgba[3]));
    xml += body;
    xml += '\n';
  }
  return xml;
}

const std::vector<DistractorConfig>& Distractors() {
  static const std::vector<DistractorConfig> kDistractors = {
      {"distractor_yellow_cylinder", "cylinder", {0.95, 0.82, 0.1, 1}, {2.5, -0.3, 0.025}},
      {"distractor_purple_block", "block", {0.55, 0.25, 0.72, 1}, {2.5, 0.3, 0.0175}},
  };
  return kDistractors;
}

std::string DistractorBodiesXml() {
  std::string xml;
  for (const DistractorConfig& o : Distractors()) {
    std::string body = ReadObjectFile(o.kind);
    ReplaceAll(body, "<body name=\"{name}\">",
               fmt::format("<body name=\"{{name}}\" pos=\"{} {} {}\">", o.park[0], o.park[1], o.park[2]));
    ReplaceAll(body, "{name}", o.name);
    ReplaceAll(body, "{rgba}", fmt::format("{} {} {} {}", o.rgba[0], o.rgba[1], o.rgba[2], o.rgba[3]));
    xml += body;
    xml += '\n';
  }
  return xml;
}

ModelPtr LoadTaskModel(const EmbodimentSpec& embodiment, const TaskConfig& task) {
  try {
    return LoadModel(embodiment, ObjectBodiesXml(task) + DistractorBodiesXml());
  } catch (const InputError& e) {
    throw InputError(fmt::format("task '{}': {}", task.name, e.what()));
  }
}

}  // namespace fb::envs
