import type { Db } from '../db/client.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

export interface ConnectorDeps {
  db: Db;
  secrets: SecretBox;
}

// Who is acting: the workspace, and the admin when one is known (API tokens
// created from the command line have none).
export interface Actor {
  workspaceId: number;
  adminId: number | null;
}
