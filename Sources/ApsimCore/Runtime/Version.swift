import ApsimC

/// The library version, "MAJOR.MINOR.PATCH", from include/apsim.h (the one place it is written).
public let apsimVersion = "\(APSIM_VERSION_MAJOR).\(APSIM_VERSION_MINOR).\(APSIM_VERSION_PATCH)"
