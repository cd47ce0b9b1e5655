#include "envs/model_loader.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "envs/mujoco_errors.h"

namespace fb::envs {
namespace {

constexpr int kErrorSize = 1024;
constexpr char kComposedName[] = "fb_composed_scene.xml";

// mjVFS holds 2000 file names of 1000 bytes inline (~2 MB): keep it off the stack.
struct VfsDeleter {
  void operator()(mjVFS* vfs) const {
    mj_deleteVFS(vfs);
    delete vfs;
  }
};
using VfsPtr = std::unique_ptr<mjVFS, VfsDeleter>;

VfsPtr MakeVfs() {
  VfsPtr vfs(new mjVFS);
  mj_defaultVFS(vfs.get());
  return vfs;
}

void AddText(mjVFS* vfs, const std::string& name, std::string_view text) {
  if (mj_makeEmptyFileVFS(vfs, name.c_str(), static_cast<int>(text.size())) != 0) {
    throw InputError(fmt::format("cannot add '{}' to MuJoCo's virtual file system (duplicate name?)", name));
  }
  std::memcpy(vfs->filedata[mj_findFileVFS(vfs, name.c_str())], text.data(), text.size());
}

std::string ReadText(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(fmt::format("cannot read {} '{}'; set FASTERBENCH_ASSETS to the assets directory if the "
                                 "source tree moved",
                                 what, path.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// MuJoCo strips directories from VFS names; includes resolve by file name alone.
ModelPtr Compile(const mjVFS* vfs, const char* top, const std::string& context) {
  InstallMujocoHandlers();
  char error[kErrorSize] = "";
  mjModel* m = mj_loadXML(top, vfs, error, kErrorSize);
  if (m == nullptr) throw InputError(fmt::format("{}: MuJoCo could not load the model: {}", context, error));
  // A model can compile with a warning in the buffer (e.g. an ignored attribute).
  if (error[0] != '\0') spdlog::warn("{}: MuJoCo: {}", context, error);
  return ModelPtr(m);
}

int RequireId(const mjModel* m, int type, const std::string& name, const char* kind, const EmbodimentSpec& spec) {
  const int id = mj_name2id(m, type, name.c_str());
  if (id < 0) {
    throw InputError(fmt::format("embodiment '{}': no {} named '{}' in {}; fix configs/embodiments/{}.yaml or the MJCF",
                                 spec.name(), kind, name, spec.mjcf_path().string(), spec.name()));
  }
  return id;
}

}  // namespace

std::string ComposeSceneXml(const EmbodimentSpec& spec, std::string_view extra_worldbody) {
  const std::string extra =
      extra_worldbody.empty() ? std::string() : fmt::format("  <worldbody>\n{}\n  </worldbody>\n", extra_worldbody);
  return fmt::format(
      "<mujoco model=\"{}\">\n"
      "  <include file=\"{}\"/>\n"
      "  <include file=\"{}\"/>\n"
      "{}"
      "</mujoco>\n",
      spec.name(), spec.scene_path().filename().string(), spec.mjcf_path().filename().string(), extra);
}

ModelPtr LoadModel(const EmbodimentSpec& spec, std::string_view extra_worldbody) {
  const std::string context =
      fmt::format("embodiment '{}' (robot {}, scene {})", spec.name(), spec.mjcf_path().string(),
                  spec.scene_path().string());
  VfsPtr vfs = MakeVfs();
  AddText(vfs.get(), spec.scene_path().filename().string(), ReadText(spec.scene_path(), "scene MJCF"));
  AddText(vfs.get(), spec.mjcf_path().filename().string(), ReadText(spec.mjcf_path(), "robot MJCF"));
  AddText(vfs.get(), kComposedName, ComposeSceneXml(spec, extra_worldbody));
  ModelPtr model = Compile(vfs.get(), kComposedName, context);

  // The mount is applied to the compiled model rather than spliced into the XML: a static
  // child of the world body is placed by body_pos/body_quat alone at every mj_kinematics.
  const MountConfig& mount = spec.config().mount;
  const int body = RequireId(model.get(), mjOBJ_BODY, mount.body, "body", spec);
  if (model->body_parentid[body] != 0 || model->body_jntnum[body] != 0) {
    throw InputError(fmt::format("embodiment '{}': mount.body '{}' must be a jointless child of the world body",
                                 spec.name(), mount.body));
  }
  for (int i = 0; i < 3; ++i) model->body_pos[3 * body + i] = mount.pos[static_cast<size_t>(i)];
  for (int i = 0; i < 4; ++i) model->body_quat[4 * body + i] = mount.quat[static_cast<size_t>(i)];
  model->opt.timestep = spec.physics_timestep();
  ResolveArms(spec, model.get());
  return model;
}

ModelPtr LoadModelFromString(std::string_view xml, std::string_view origin) {
  VfsPtr vfs = MakeVfs();
  const std::string name = "fb_inline_model.xml";
  AddText(vfs.get(), name, xml);
  return Compile(vfs.get(), name.c_str(), std::string(origin));
}

std::vector<ArmIds> ResolveArms(const EmbodimentSpec& spec, const mjModel* m) {
  std::vector<ArmIds> arms;
  for (const ArmConfig& arm : spec.config().arms) {
    ArmIds ids;
    for (size_t j = 0; j < arm.joints.size(); ++j) {
      const int joint = RequireId(m, mjOBJ_JOINT, arm.joints[j], "joint", spec);
      if (m->jnt_type[joint] != mjJNT_HINGE && m->jnt_type[joint] != mjJNT_SLIDE) {
        throw InputError(fmt::format("embodiment '{}': joint '{}' is not a hinge or slide joint", spec.name(),
                                     arm.joints[j]));
      }
      ids.qpos_adr.push_back(m->jnt_qposadr[joint]);
      ids.dof_adr.push_back(m->jnt_dofadr[joint]);
      ids.range_lo.push_back(m->jnt_range[2 * joint]);
      ids.range_hi.push_back(m->jnt_range[2 * joint + 1]);
      ids.actuators.push_back(RequireId(m, mjOBJ_ACTUATOR, arm.actuators[j], "actuator", spec));
    }
    ids.gripper_actuator = RequireId(m, mjOBJ_ACTUATOR, arm.gripper_actuator, "actuator", spec);
    for (int f = 0; f < 2; ++f) {
      const int joint = RequireId(m, mjOBJ_JOINT, arm.finger_joints[static_cast<size_t>(f)], "joint", spec);
      ids.finger_qpos_adr[f] = m->jnt_qposadr[joint];
    }
    ids.eef_site = RequireId(m, mjOBJ_SITE, arm.eef_site, "site", spec);
    ids.wrist_camera = RequireId(m, mjOBJ_CAMERA, arm.wrist_camera, "camera", spec);
    arms.push_back(std::move(ids));
  }
  return arms;
}

DataPtr MakeData(const mjModel* m) {
  InstallMujocoHandlers();
  return DataPtr(mj_makeData(m));
}

void ResetToHome(const EmbodimentSpec& spec, const mjModel* m, mjData* d) {
  mj_resetData(m, d);
  const std::vector<ArmIds> arms = ResolveArms(spec, m);
  for (size_t a = 0; a < arms.size(); ++a) {
    const ArmConfig& arm = spec.arm(static_cast<int>(a));
    const ArmIds& ids = arms[a];
    for (size_t j = 0; j < ids.qpos_adr.size(); ++j) {
      d->qpos[ids.qpos_adr[j]] = arm.home[j];
      d->ctrl[ids.actuators[j]] = arm.home[j];
    }
    // Position-servoed fingers settle at the open target; starting them there avoids a
    // first-step jump. The tendon is the mean of the two finger joints, so each finger
    // takes the target value.
    for (int adr : ids.finger_qpos_adr) d->qpos[adr] = arm.gripper_open;
    d->ctrl[ids.gripper_actuator] = arm.gripper_open;
  }
  mj_forward(m, d);
}

}  // namespace fb::envs
