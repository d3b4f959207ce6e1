/** Before every test file that uses the application: its modules connected (src/wiring.ts), as at start-up. */
import { wireModules } from "../../src/wiring.ts";

wireModules();
