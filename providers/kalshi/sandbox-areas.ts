/**
 * The sandbox's routes by area, each in its own `sandbox-<area>.ts`: one installer per area,
 * run by `KalshiSandbox` before its own routes (so an area's literal paths win over the core's
 * `:param` ones). Add an area's installer to this list.
 */
import type { KalshiSandboxKit } from './sandbox.js';
import { installCommunications } from './sandbox-communications.js';
import { installFcm } from './sandbox-fcm.js';
import { installSubaccounts } from './sandbox-subaccounts.js';
import { installData } from './sandbox-data.js';
import { installHistorical } from './sandbox-historical.js';

/** Every area's route installer (see the file comment). */
export const KALSHI_SANDBOX_AREAS: readonly ((kit: KalshiSandboxKit) => void)[] = [installCommunications, installSubaccounts, installFcm, installData, installHistorical];
