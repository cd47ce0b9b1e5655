#include "core/data/hdf5_actions.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/data/hdf5_util.h"
#include "core/error.h"
#include "core/interrupt.h"

namespace fb::data {
namespace {

using hdf5::Handle;

Episode ReadDemo(hid_t data, const std::string& demo, const std::string& file) {
  Episode episode;
  episode.source = file + ":data/" + demo;
  const std::string where = "HDF5 file '" + file + "', data/" + demo;
  const Handle group(H5Gopen2(data, demo.c_str(), H5P_DEFAULT), H5Gclose);
  if (!group.valid()) throw InputError(where + " is not a group");
  if (H5Lexists(group.get(), "actions", H5P_DEFAULT) <= 0) throw InputError(where + " has no 'actions' dataset");
  const Handle actions(H5Dopen2(group.get(), "actions", H5P_DEFAULT), H5Dclose);
  if (!actions.valid()) throw InputError(where + "/actions is not a dataset");

  const Handle type(H5Dget_type(actions.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_FLOAT) throw InputError(where + "/actions is not float32 or float64");
  const Handle space(H5Dget_space(actions.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank != 2) throw InputError(where + "/actions has rank " + std::to_string(rank) + ", expected 2 (steps x dims)");
  hsize_t shape[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), shape, nullptr);
  if (shape[1] == 0) throw InputError(where + "/actions has 0 action dims");

  episode.steps = static_cast<int64_t>(shape[0]);
  episode.dims = static_cast<int>(shape[1]);
  episode.actions.resize(shape[0] * shape[1]);
  // HDF5 converts float64 to the float32 memory type during the read.
  if (!episode.actions.empty() &&
      H5Dread(actions.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, episode.actions.data()) < 0) {
    throw InputError(where + "/actions cannot be read: " + hdf5::LastError());
  }
  return episode;
}

}  // namespace

ActionDataset ReadHdf5Actions(const std::filesystem::path& path) {
  hdf5::SilenceErrors();
  const std::string file = path.string();
  if (!std::filesystem::is_regular_file(path)) throw InputError("HDF5 file '" + file + "' does not exist");
  const Handle handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!handle.valid()) throw InputError("cannot open '" + file + "' as HDF5: " + hdf5::LastError());
  if (H5Lexists(handle.get(), "data", H5P_DEFAULT) <= 0) {
    throw InputError("HDF5 file '" + file + "' has no /data group; expected the robomimic layout data/demo_<n>/actions");
  }
  const Handle data(H5Gopen2(handle.get(), "data", H5P_DEFAULT), H5Gclose);
  if (!data.valid()) throw InputError("HDF5 file '" + file + "': /data is not a group");

  const std::string where = file + ":/data";
  const std::string embodiment =
      hdf5::ReadStringAttribute(data.get(), kEmbodimentAttribute, where).value_or(kDefaultEmbodiment);
  const std::string action_space =
      hdf5::ReadStringAttribute(data.get(), kActionSpaceAttribute, where).value_or(kDefaultActionSpace);

  const std::vector<std::string> demos = hdf5::DemoNames(data.get(), file);
  if (demos.empty()) throw InputError("HDF5 file '" + file + "': /data holds no demo_<n> groups");
  ActionDataset dataset{path.stem().string(), {}};
  for (const std::string& demo : demos) {
    ThrowIfInterrupted();
    Episode& episode = dataset.episodes.emplace_back(ReadDemo(data.get(), demo, file));
    episode.embodiment = embodiment;
    episode.action_space = action_space;
  }
  return dataset;
}

}  // namespace fb::data
