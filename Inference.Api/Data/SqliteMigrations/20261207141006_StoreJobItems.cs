using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Inference.Api.Data.SqliteMigrations
{
    /// <inheritdoc />
    public partial class StoreJobItems : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Queue",
                table: "batch_jobs",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "batch_job_items",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    Input = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_batch_job_items", x => new { x.JobId, x.ItemIndex });
                    table.ForeignKey(
                        name: "FK_batch_job_items_batch_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "batch_jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "batch_job_items");

            migrationBuilder.DropColumn(
                name: "Queue",
                table: "batch_jobs");
        }
    }
}
