// The e2e project's runner: Jest's own, but one test file at a time. Jest has no per-project worker count; a
// runner that declares itself serial is how a project asks for it (the unit project keeps its parallel workers).
import runner from 'jest-runner';

const TestRunner = runner.default ?? runner;

export default class SerialRunner extends TestRunner {
  isSerial = true;
}
