#include "policies/replay/recorded_demos.h"

#include <charconv>

#include "core/data/hdf5_actions.h"
#include "core/data/hdf5_util.h"
#include "core/error.h"

namespace fb::policies {
namespace {

using data::hdf5::Handle;

// The collector writes init_index as an int64 attribute; a string holding the number is
// accepted too, since h5py users often store everything as str.
std::optional<int64_t> ReadIndexAttribute(hid_t group, const char* name, const std::string& where) {
  if (H5Aexists(group, name) <= 0) return std::nullopt;
  const Handle attribute(H5Aopen(group, name, H5P_DEFAULT), H5Aclose);
  const Handle type(attribute.valid() ? H5Aget_type(attribute.get()) : H5I_INVALID_HID, H5Tclose);
  if (type.valid() && H5Tget_class(type.get()) == H5T_INTEGER) {
    int64_t value = 0;
    if (H5Aread(attribute.get(), H5T_NATIVE_INT64, &value) < 0) {
      throw InputError("'" + where + "': cannot read attribute '" + name + "': " + data::hdf5::LastError());
    }
    return value;
  }
  const std::string text = data::hdf5::ReadStringAttribute(group, name, where).value_or("");
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw InputError("'" + where + "': attribute '" + name + "' is '" + text + "', not an integer");
  }
  return value;
}

}  // namespace

bool RecordedDemo::Matches(const envs::EpisodeId& id) const {
  return (!task || *task == id.task) && (!embodiment || *embodiment == id.embodiment) && (!split || *split == id.split) &&
         (!init_index || *init_index == id.init_index);
}

std::vector<RecordedDemo> ReadRecordedDemos(const std::filesystem::path& path) {
  const data::ActionDataset dataset = data::ReadHdf5Actions(path);
  const std::string file = path.string();
  const Handle handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!handle.valid()) throw InputError("cannot open '" + file + "' as HDF5: " + data::hdf5::LastError());

  std::vector<RecordedDemo> demos;
  for (const data::Episode& episode : dataset.episodes) {
    RecordedDemo& demo = demos.emplace_back();
    // ReadHdf5Actions names each episode's source "<file>:data/demo_<n>".
    demo.name = episode.source.substr(episode.source.rfind('/') + 1);
    demo.number = std::stoll(demo.name.substr(demo.name.find('_') + 1));
    demo.steps = episode.steps;
    demo.dims = episode.dims;
    demo.actions.assign(episode.actions.begin(), episode.actions.end());

    const std::string where = file + ":data/" + demo.name;
    const Handle group(H5Gopen2(handle.get(), ("data/" + demo.name).c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.valid()) throw InputError("'" + where + "' cannot be opened: " + data::hdf5::LastError());
    demo.task = data::hdf5::ReadStringAttribute(group.get(), "task", where);
    demo.embodiment = data::hdf5::ReadStringAttribute(group.get(), "embodiment", where);
    demo.split = data::hdf5::ReadStringAttribute(group.get(), "split", where);
    demo.init_index = ReadIndexAttribute(group.get(), "init_index", where);
  }
  return demos;
}

}  // namespace fb::policies
