// The workspace model lives in @agentforge/schema; this re-export keeps command modules that
// import '../workspace.js' compiling. It is not part of the CLI's public API.
export { findWorkspace, type Workspace } from '@agentforge/schema';
