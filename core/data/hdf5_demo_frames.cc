#include "core/data/hdf5_demo_frames.h"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/hdf5_actions.h"
#include "core/data/hdf5_util.h"
#include "core/error.h"
#include "core/interrupt.h"

namespace fb::data {
namespace {

using hdf5::Handle;

// The shape of dataset `name` in `group`; throws when it is missing.
std::vector<hsize_t> Shape(hid_t group, const std::string& name, const std::string& where) {
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) throw InputError(where + " has no '" + name + "' dataset");
  const Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) throw InputError(where + "/" + name + " is not a dataset");
  const Handle space(H5Dget_space(dataset.get()), H5Sclose);
  std::vector<hsize_t> shape(static_cast<size_t>(std::max(0, H5Sget_simple_extent_ndims(space.get()))));
  H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr);
  return shape;
}

template <class T>
std::vector<T> Read(hid_t group, const std::string& name, hid_t memory_type, const std::vector<hsize_t>& shape,
                    const std::string& where) {
  size_t count = 1;
  for (const hsize_t n : shape) count *= n;
  std::vector<T> values(count);
  const Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (count > 0 && H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    throw InputError(where + "/" + name + " cannot be read: " + hdf5::LastError());
  }
  return values;
}

// A (steps x k) float dataset; throws when it has another row count.
std::vector<float> ReadRows(hid_t group, const std::string& name, int64_t steps, int& width, const std::string& where) {
  const auto shape = Shape(group, name, where);
  if (shape.size() != 2 || static_cast<int64_t>(shape[0]) != steps) {
    throw InputError(where + "/" + name + " must be (" + std::to_string(steps) + " x k), one row per action");
  }
  width = static_cast<int>(shape[1]);
  return Read<float>(group, name, H5T_NATIVE_FLOAT, shape, where);
}

std::vector<uint8_t> ReadFrames(hid_t obs, const std::string& name, int64_t steps, int& height, int& width,
                                const std::string& where) {
  const auto shape = Shape(obs, name, where);
  if (shape.size() != 4 || static_cast<int64_t>(shape[0]) != steps || shape[3] != 3) {
    throw InputError(where + "/" + name + " must be (" + std::to_string(steps) + " x height x width x 3) uint8");
  }
  height = static_cast<int>(shape[1]);
  width = static_cast<int>(shape[2]);
  return Read<uint8_t>(obs, name, H5T_NATIVE_UINT8, shape, where);
}

std::vector<std::string> ReadNameList(hid_t object, const char* name, size_t count, const std::string& where) {
  const auto text = hdf5::ReadStringAttribute(object, name, where);
  const auto names = nlohmann::json::parse(text.value_or(""), nullptr, false);
  if (!names.is_array() || names.size() != count) {
    throw InputError(where + " needs a '" + name + "' attribute: a JSON list of " + std::to_string(count) + " names");
  }
  return names.get<std::vector<std::string>>();
}

void ReadObjectStates(hid_t obs, DemoFrames& demo, const std::string& where) {
  const std::string name = "object_states", at = where + "/" + name;
  const auto shape = Shape(obs, name, where);
  if (shape.size() != 3 || static_cast<int64_t>(shape[0]) != demo.steps || shape[2] == 0) {
    throw InputError(at + " must be (" + std::to_string(demo.steps) + " x objects x values), one row per action");
  }
  demo.objects = static_cast<int>(shape[1]);
  demo.object_values = static_cast<int>(shape[2]);
  demo.object_states = Read<float>(obs, name, H5T_NATIVE_FLOAT, shape, where);
  const Handle dataset(H5Dopen2(obs, name.c_str(), H5P_DEFAULT), H5Dclose);
  demo.object_kinds = ReadNameList(dataset.get(), "kinds", shape[1], at);
  demo.object_colours = ReadNameList(dataset.get(), "colours", shape[1], at);
}

DemoFrames ReadDemo(hid_t data, const std::string& name, const std::string& file, const std::string& fallback_instruction) {
  DemoFrames demo;
  demo.source = file + ":data/" + name;
  const std::string where = "HDF5 file '" + file + "', data/" + name;
  const Handle group(H5Gopen2(data, name.c_str(), H5P_DEFAULT), H5Gclose);
  if (!group.valid()) throw InputError(where + " is not a group");
  demo.instruction = hdf5::ReadStringAttribute(group.get(), "instruction", where).value_or(fallback_instruction);

  const auto action_shape = Shape(group.get(), "actions", where);
  if (action_shape.size() != 2 || action_shape[1] == 0) throw InputError(where + "/actions must be (steps x dims)");
  demo.steps = static_cast<int64_t>(action_shape[0]);
  demo.dims = static_cast<int>(action_shape[1]);
  demo.actions = Read<float>(group.get(), "actions", H5T_NATIVE_FLOAT, action_shape, where);

  if (H5Lexists(group.get(), "action_chunks", H5P_DEFAULT) > 0) {
    const auto shape = Shape(group.get(), "action_chunks", where);
    if (shape.size() != 3 || static_cast<int64_t>(shape[0]) != demo.steps || static_cast<int>(shape[2]) != demo.dims ||
        shape[1] == 0) {
      throw InputError(where + "/action_chunks must be (" + std::to_string(demo.steps) + " x horizon x " +
                       std::to_string(demo.dims) + "), one chunk per action");
    }
    demo.chunk_horizon = static_cast<int>(shape[1]);
    demo.action_chunks = Read<float>(group.get(), "action_chunks", H5T_NATIVE_FLOAT, shape, where);
  }
  if (H5Lexists(group.get(), "obs", H5P_DEFAULT) <= 0) throw InputError(where + " has no 'obs' group");
  const Handle obs(H5Gopen2(group.get(), "obs", H5P_DEFAULT), H5Gclose);
  const std::string obs_where = where + "/obs";
  int h = 0, w = 0;
  const bool images = H5Lexists(obs.get(), "agentview_rgb", H5P_DEFAULT) > 0 ||
                      H5Lexists(obs.get(), "eye_in_hand_rgb", H5P_DEFAULT) > 0;
  if (images) {
    demo.agentview = ReadFrames(obs.get(), "agentview_rgb", demo.steps, demo.image_height, demo.image_width, obs_where);
    demo.wrist = ReadFrames(obs.get(), "eye_in_hand_rgb", demo.steps, h, w, obs_where);
  }
  if (h != demo.image_height || w != demo.image_width) {
    throw InputError(obs_where + ": eye_in_hand_rgb is " + std::to_string(h) + "x" + std::to_string(w) +
                     " but agentview_rgb is " + std::to_string(demo.image_height) + "x" +
                     std::to_string(demo.image_width));
  }
  int pos_width = 0, ori_width = 0, gripper_width = 0;
  const auto pos = ReadRows(obs.get(), "ee_pos", demo.steps, pos_width, obs_where);
  const auto ori = ReadRows(obs.get(), "ee_ori", demo.steps, ori_width, obs_where);
  const auto gripper = ReadRows(obs.get(), "gripper_states", demo.steps, gripper_width, obs_where);
  demo.proprio_dims = pos_width + ori_width + gripper_width;
  demo.proprio.reserve(static_cast<size_t>(demo.steps * demo.proprio_dims));
  for (int64_t t = 0; t < demo.steps; ++t) {
    const auto row = [t](const std::vector<float>& v, int width) { return v.begin() + t * width; };
    demo.proprio.insert(demo.proprio.end(), row(pos, pos_width), row(pos, pos_width) + pos_width);
    demo.proprio.insert(demo.proprio.end(), row(ori, ori_width), row(ori, ori_width) + ori_width);
    demo.proprio.insert(demo.proprio.end(), row(gripper, gripper_width), row(gripper, gripper_width) + gripper_width);
  }
  if (H5Lexists(obs.get(), "object_pos", H5P_DEFAULT) > 0) {
    demo.object_pos = ReadRows(obs.get(), "object_pos", demo.steps, demo.object_dims, obs_where);
  }
  if (H5Lexists(obs.get(), "object_states", H5P_DEFAULT) > 0) ReadObjectStates(obs.get(), demo, obs_where);
  return demo;
}

}  // namespace

std::vector<DemoFrames> ReadHdf5DemoFrames(const std::filesystem::path& path) {
  hdf5::SilenceErrors();
  const std::string file = path.string();
  if (!std::filesystem::is_regular_file(path)) throw InputError("HDF5 file '" + file + "' does not exist");
  const Handle handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!handle.valid()) throw InputError("cannot open '" + file + "' as HDF5: " + hdf5::LastError());
  if (H5Lexists(handle.get(), "data", H5P_DEFAULT) <= 0) throw InputError("HDF5 file '" + file + "' has no /data group");
  const Handle data(H5Gopen2(handle.get(), "data", H5P_DEFAULT), H5Gclose);
  // LIBERO keeps the instruction only in /data's problem_info JSON.
  const auto problem = nlohmann::json::parse(
      hdf5::ReadStringAttribute(data.get(), "problem_info", file + ":/data").value_or("{}"), nullptr, false);
  const std::string fallback =
      problem.is_object() ? problem.value("language_instruction", std::string{}) : std::string{};
  const std::string where = file + ":/data";
  const std::string embodiment =
      hdf5::ReadStringAttribute(data.get(), kEmbodimentAttribute, where).value_or(kDefaultEmbodiment);
  const std::string action_space =
      hdf5::ReadStringAttribute(data.get(), kActionSpaceAttribute, where).value_or(kDefaultActionSpace);
  std::vector<DemoFrames> demos;
  for (const std::string& name : hdf5::DemoNames(data.get(), file)) {
    ThrowIfInterrupted();
    DemoFrames& demo = demos.emplace_back(ReadDemo(data.get(), name, file, fallback));
    demo.embodiment = embodiment;
    demo.action_space = action_space;
  }
  if (demos.empty()) throw InputError("HDF5 file '" + file + "': /data holds no demo_<n> groups");
  return demos;
}

}  // namespace fb::data
