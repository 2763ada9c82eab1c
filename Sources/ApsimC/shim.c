/* Empty translation unit: SwiftPM needs one source file to build the header-only ApsimC target. */
