import { Project } from "../support/run-flow";
import { describeMatrix } from "./matrix-suite";
import { SHAPES } from "./shapes";

describeMatrix("", SHAPES, (t, files) => new Project(t, files));
